// Progressive enhancement for the discussion: "Reply" moves the comment form under the
// comment being answered instead of opening the reply page. Without this script the
// link opens that page, which does the same job.
(function () {
  "use strict";
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
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-reply-to]");
    if (!link) {
      return;
    }
    event.preventDefault();
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
