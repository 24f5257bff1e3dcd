// Progressive enhancement for the discussion: "Reply" moves the comment form under the
// comment being answered instead of opening the reply page. Without this script the
// link opens that page, which does the same job.
(function () {
  "use strict";
  // A confirmation ("Your comment is posted") is printed at the top of the page, but the
  // redirect lands on the comment's anchor thousands of pixels down: move the message
  // next to that comment, where the member is looking.
  var messages = document.querySelector("[data-messages]");
  var target = window.location.hash && document.getElementById(window.location.hash.slice(1));
  if (messages && target && target.closest(".discussion")) {
    target.parentNode.insertBefore(messages, target);
    messages.scrollIntoView({ block: "start" });
  }

  var composer = document.getElementById("composer");
  var form = composer && composer.querySelector("form.composer__form");
  if (!form || !form.elements.parent) {
    return;
  }
  var heading = composer.querySelector("#composer-heading");
  var submit = form.querySelector("button[name=post]");
  var home = document.createComment("composer");
  var original = { heading: heading.textContent, submit: submit.textContent };
  composer.parentNode.insertBefore(home, composer);

  var opener = null; // the Reply link that moved the form, to return focus to on cancel
  var cancel = document.createElement("button");
  cancel.type = "button";
  cancel.className = "button button--secondary";
  cancel.textContent = "Cancel reply";
  cancel.addEventListener("click", function () {
    form.elements.parent.value = "";
    heading.textContent = original.heading;
    submit.textContent = original.submit;
    cancel.remove();
    home.parentNode.insertBefore(composer, home.nextSibling);
    // Without this, focus falls to <body> when the focused button leaves the page.
    if (opener && document.contains(opener)) {
      opener.focus();
    }
    opener = null;
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-reply-to]");
    if (!link) {
      return;
    }
    event.preventDefault();
    opener = link;
    var comment = document.getElementById("comment-" + link.dataset.replyTo);
    var actions = comment.querySelector(".comment__actions");
    actions.parentNode.insertBefore(composer, actions.nextSibling);
    form.elements.parent.value = link.dataset.replyTo;
    heading.textContent = "Reply to " + link.dataset.replyName;
    submit.textContent = "Post reply";
    form.querySelector(".composer__buttons").appendChild(cancel);
    form.elements.body.focus();
  });
})();
