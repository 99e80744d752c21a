// Confirmation before a destructive action, with the native <dialog>: modal, focus kept inside,
// Escape cancels, and focus goes back to the button that opened it.

const dialog = () => document.getElementById('confirm');

/** Resolves true when the person confirms, false when they cancel or press Escape. */
export function confirmAction({ title, message, confirmLabel }) {
  const element = dialog();
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-message').textContent = message;
  document.getElementById('confirm-ok').textContent = confirmLabel;
  const opener = document.activeElement;
  return new Promise((resolve) => {
    element.addEventListener(
      'close',
      () => {
        resolve(element.returnValue === 'confirm');
        if (opener instanceof HTMLElement && opener.isConnected) {
          opener.focus();
        }
      },
      { once: true },
    );
    element.returnValue = 'cancel';
    element.showModal();
    // The safe choice has the focus: Enter alone never destroys anything.
    document.getElementById('confirm-cancel').focus();
  });
}
