// Passkey buttons only work with JavaScript (WebAuthn), so the pages ship them hidden
// and this script shows them. Without JavaScript, members see the password, code and
// authenticator-app options only, which all work as plain forms.
document.querySelectorAll("[data-needs-js]").forEach((element) => {
  element.hidden = false;
});
