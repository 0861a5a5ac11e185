/* 通行密钥 (WebAuthn Level 2): registration and sign-in / step-up ceremonies in the browser.
 *
 * The server sends PublicKeyCredentialCreationOptions / RequestOptions as JSON (binary fields in
 * base64url, RFC 4648 §5); this file turns them into ArrayBuffers for navigator.credentials, and
 * the resulting credential back into JSON for the server (py_webauthn parses that JSON).
 * No third-party code; served by the node like every other asset.
 */
(function () {
  "use strict";

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var text = "";
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function fromBase64url(value) {
    var base64 = value.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) base64 += "=";
    var text = atob(base64);
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes.buffer;
  }

  function csrfToken(root) {
    var field = (root || document).querySelector("input[name=csrfmiddlewaretoken]") ||
      document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function postJson(url, body, token) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token, "Accept": "application/json" },
      body: JSON.stringify(body || {}),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var error = new Error(data.message || "请求失败，请稍后重试");
          error.server = true;
          throw error;
        }
        return data;
      });
    });
  }

  function showError(container, error) {
    var box = container.querySelector("[data-passkey-error]") || document.querySelector("[data-passkey-error]");
    var message;
    if (error && error.server) {
      message = error.message;
    } else if (error && error.name === "NotAllowedError") {
      message = "操作已取消或超时，请重试";
    } else if (error && error.name === "InvalidStateError") {
      message = "此设备上的通行密钥已经登记过";
    } else {
      message = "此浏览器或设备无法使用通行密钥";
    }
    if (box) {
      box.textContent = message;
      box.hidden = false;
    }
  }

  function supported() {
    return !!(window.PublicKeyCredential && navigator.credentials && window.isSecureContext);
  }

  function register(form) {
    var token = csrfToken(form);
    var name = form.querySelector("[name=name]").value;
    return postJson(form.dataset.optionsUrl, {}, token).then(function (options) {
      options.challenge = fromBase64url(options.challenge);
      options.user.id = fromBase64url(options.user.id);
      (options.excludeCredentials || []).forEach(function (c) { c.id = fromBase64url(c.id); });
      return navigator.credentials.create({ publicKey: options });
    }).then(function (credential) {
      var response = credential.response;
      var json = {
        id: credential.id,
        rawId: toBase64url(credential.rawId),
        type: credential.type,
        response: {
          clientDataJSON: toBase64url(response.clientDataJSON),
          attestationObject: toBase64url(response.attestationObject),
          transports: typeof response.getTransports === "function" ? response.getTransports() : [],
        },
        clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
        authenticatorAttachment: credential.authenticatorAttachment || undefined,
      };
      return postJson(form.dataset.verifyUrl, { name: name, credential: json }, token);
    }).then(function () {
      window.location.reload();
    });
  }

  function authenticate(button) {
    var token = csrfToken(button.parentNode);
    return postJson(button.dataset.optionsUrl, {}, token).then(function (options) {
      options.challenge = fromBase64url(options.challenge);
      (options.allowCredentials || []).forEach(function (c) { c.id = fromBase64url(c.id); });
      return navigator.credentials.get({ publicKey: options });
    }).then(function (credential) {
      var response = credential.response;
      var json = {
        id: credential.id,
        rawId: toBase64url(credential.rawId),
        type: credential.type,
        response: {
          clientDataJSON: toBase64url(response.clientDataJSON),
          authenticatorData: toBase64url(response.authenticatorData),
          signature: toBase64url(response.signature),
          userHandle: response.userHandle ? toBase64url(response.userHandle) : undefined,
        },
        clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
        authenticatorAttachment: credential.authenticatorAttachment || undefined,
      };
      return postJson(button.dataset.verifyUrl, { credential: json, next: button.dataset.next || "" }, token);
    }).then(function (result) {
      window.location.assign(result.redirect || "/");
    });
  }

  document.querySelectorAll("[data-passkey-register]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!supported()) return showError(form, null);
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      register(form).catch(function (error) {
        showError(form, error);
        button.disabled = false;
      });
    });
  });

  document.querySelectorAll("[data-passkey-signin]").forEach(function (button) {
    button.addEventListener("click", function () {
      if (!supported()) return showError(button.parentNode.parentNode, null);
      button.disabled = true;
      authenticate(button).catch(function (error) {
        showError(button.parentNode.parentNode, error);
        button.disabled = false;
      });
    });
  });
})();
