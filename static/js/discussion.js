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

  // "Helpful" / "Same for me": the buttons post the page's one reaction form; here they
  // post it in the background and the counts and pressed state change in place. Any
  // answer but a clean one falls back to the ordinary post (the server says why).
  var reactionForm = document.getElementById("reaction-form");
  if (reactionForm && window.fetch && window.FormData) {
    document.addEventListener("click", function (event) {
      var button = event.target.closest("button[form=reaction-form]");
      if (!button || button.disabled) {
        return;
      }
      event.preventDefault();
      var data = new FormData(reactionForm);
      data.append("kind", button.value);
      button.disabled = true;
      fetch(button.formAction, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.json().then(function (answer) {
            return { ok: response.ok, answer: answer };
          });
        })
        .then(function (result) {
          button.disabled = false;
          if (!result.ok) {
            window.alert(result.answer.error || "That did not work. Please try again.");
            return;
          }
          var box = button.closest("[data-reactions]");
          button.setAttribute("aria-pressed", result.answer.on ? "true" : "false");
          ["helpful", "same"].forEach(function (kind) {
            var count = box.querySelector("[data-count=" + kind + "]");
            if (count) {
              count.textContent = String(result.answer[kind]);
            }
          });
        })
        .catch(function () {
          button.disabled = false;
          reactionForm.action = button.formAction;
          var kind = document.createElement("input");
          kind.type = "hidden";
          kind.name = "kind";
          kind.value = button.value;
          reactionForm.appendChild(kind);
          reactionForm.submit();
        });
    });
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
