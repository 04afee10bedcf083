/**
 * The phone's overlays, drawn over the page stack in the shell (shell.ts): toasts, WeChat-style
 * dialogs (wx.showModal, the payout sheets, the simulated scanner's form), the action sheet and
 * `<picker>`'s bottom sheet. Each resolves with the choice in WeChat's form; the mask under a
 * dialog or sheet is what lets its buttons be tapped (the overlay passes taps through without it).
 */
import type {
  ModalOptions,
  PayoutSheetKind,
  PickerSheetOptions,
  PickerSheetValue,
  ToastOptions,
} from './device';
import { element, html } from './dom';

export class PhoneOverlay {
  private toastTimer: ReturnType<typeof setTimeout> | undefined;

  showToast(options: ToastOptions): void {
    const overlay = element('overlay');
    this.hideToast();
    const toast = document.createElement('div');
    toast.className = `toast toast--${options.icon ?? 'success'}`;
    toast.setAttribute('role', 'alert');
    const icon = { success: '✓', error: '✕', loading: '', none: '' }[options.icon ?? 'success'];
    toast.innerHTML = html`<span class="toast__icon">${icon}</span
      ><span class="toast__text">${options.title}</span>`;
    if (options.mask) overlay.classList.add('phone__overlay--mask');
    overlay.appendChild(toast);
    if (options.duration && options.duration > 0)
      this.toastTimer = setTimeout(() => this.hideToast(), options.duration);
  }

  hideToast(): void {
    clearTimeout(this.toastTimer);
    const overlay = element('overlay');
    overlay.querySelectorAll('.toast').forEach((toast) => toast.remove());
    // A toast's end must not unmask a dialog or sheet opened meanwhile: the mask is what lets
    // their buttons be tapped (the overlay passes taps through to the page without it).
    if (!overlay.querySelector('[role="dialog"]')) overlay.classList.remove('phone__overlay--mask');
  }

  showModal(options: ModalOptions): Promise<{ confirm: boolean; cancel: boolean }> {
    return new Promise((resolve) => {
      const dialog = this.dialog(
        html`<div class="dialog__title">${options.title ?? ''}</div>
          <div class="dialog__content">${options.content ?? ''}</div>`,
        options.showCancel === false ? undefined : (options.cancelText ?? '取消'),
        options.confirmText ?? '确定',
      );
      dialog.then((confirmed) => resolve({ confirm: confirmed, cancel: !confirmed }));
    });
  }

  showActionSheet(options: { alertText?: string; itemList: string[] }): Promise<number | null> {
    const overlay = element('overlay');
    const sheet = document.createElement('div');
    sheet.className = 'action-sheet';
    sheet.setAttribute('role', 'dialog');
    sheet.innerHTML = `${
      options.alertText ? html`<div class="action-sheet__title">${options.alertText}</div>` : ''
    }${options.itemList
      .map(
        (item, index) =>
          html`<button type="button" class="action-sheet__item" data-index="${String(index)}">
            ${item}
          </button>`,
      )
      .join('')}${html`<button type="button" class="action-sheet__cancel">取消</button>`}`;
    overlay.classList.add('phone__overlay--mask');
    overlay.appendChild(sheet);
    return new Promise((resolve) => {
      const close = (index: number | null) => {
        sheet.remove();
        if (!overlay.querySelector('.dialog, .action-sheet'))
          overlay.classList.remove('phone__overlay--mask');
        resolve(index);
      };
      const tapped = realTaps(sheet);
      sheet.querySelectorAll<HTMLButtonElement>('.action-sheet__item').forEach((button) =>
        button.addEventListener(
          'click',
          tapped(() => close(Number(button.dataset.index))),
        ),
      );
      sheet.querySelector('.action-sheet__cancel')?.addEventListener(
        'click',
        tapped(() => close(null)),
      );
    });
  }

  showPicker(
    options: PickerSheetOptions,
    onColumnChange?: (column: number, index: number) => void,
  ): Promise<PickerSheetValue | null> {
    const overlay = element('overlay');
    const sheet = document.createElement('div');
    sheet.className = `picker-sheet picker-sheet--${options.mode}`;
    sheet.setAttribute('role', 'dialog');
    const column = (items: string[], selected: number, index: number) =>
      `<div class="picker-sheet__column" data-column="${index}">${items
        .map(
          (item, i) =>
            html`<button
              type="button"
              class="picker-sheet__option${i === selected ? ' picker-sheet__option--on' : ''}"
              data-index="${String(i)}"
            >
              ${item}
            </button>`,
        )
        .join('')}</div>`;
    let body: string;
    if (options.mode === 'selector') body = column(options.items, options.value, 0);
    else if (options.mode === 'multiSelector') {
      body = options.columns.map((items, i) => column(items, options.value[i] ?? 0, i)).join('');
    } else {
      const type =
        options.mode === 'time'
          ? 'time'
          : options.fields === 'month'
            ? 'month'
            : options.fields === 'year'
              ? 'number'
              : 'date';
      body = html`<input
        class="picker-sheet__input"
        type="${type}"
        value="${options.value}"
        min="${options.start ?? ''}"
        max="${options.end ?? ''}"
      />`;
    }
    sheet.innerHTML = `<div class="picker-sheet__bar">${html`<button type="button" class="picker-sheet__cancel">取消</button><button type="button" class="picker-sheet__confirm">确定</button>`}</div><div class="picker-sheet__body">${body}</div>`;
    overlay.classList.add('phone__overlay--mask');
    overlay.appendChild(sheet);

    // Selections per column, as a wheel would stop on them.
    const chosen =
      options.mode === 'selector'
        ? [options.value]
        : options.mode === 'multiSelector'
          ? options.columns.map((_, i) => options.value[i] ?? 0)
          : [];
    const tapped = realTaps(sheet);
    sheet.querySelectorAll<HTMLElement>('.picker-sheet__column').forEach((columnElement) => {
      const columnIndex = Number(columnElement.dataset.column);
      columnElement.querySelectorAll<HTMLButtonElement>('.picker-sheet__option').forEach((button) =>
        button.addEventListener(
          'click',
          tapped(() => {
            const index = Number(button.dataset.index);
            columnElement
              .querySelectorAll('.picker-sheet__option--on')
              .forEach((on) => on.classList.remove('picker-sheet__option--on'));
            button.classList.add('picker-sheet__option--on');
            if (chosen[columnIndex] === index) return;
            chosen[columnIndex] = index;
            if (options.mode === 'multiSelector') onColumnChange?.(columnIndex, index);
          }),
        ),
      );
    });

    return new Promise((resolve) => {
      const close = (value: PickerSheetValue | null) => {
        sheet.remove();
        if (!overlay.querySelector('.dialog, .action-sheet, .picker-sheet'))
          overlay.classList.remove('phone__overlay--mask');
        resolve(value);
      };
      sheet.querySelector('.picker-sheet__cancel')?.addEventListener(
        'click',
        tapped(() => close(null)),
      );
      sheet.querySelector('.picker-sheet__confirm')?.addEventListener(
        'click',
        tapped(() => {
          if (options.mode === 'selector') close(chosen[0] ?? 0);
          else if (options.mode === 'multiSelector') close([...chosen]);
          else {
            const input = sheet.querySelector<HTMLInputElement>('.picker-sheet__input');
            close(input?.value || options.value);
          }
        }),
      );
    });
  }

  showPayoutSheet(kind: PayoutSheetKind): Promise<boolean> {
    // What WeChat draws itself, reduced to its one decision; its name says it is a stand-in.
    const sheet =
      kind === 'red-packet'
        ? {
            title: '商家红包',
            content: '扫码奖励红包（模拟：拆开后由本地 WeChat Pay 模拟器记为已领取）',
            confirm: '拆红包',
          }
        : {
            title: '商家转账',
            content: '确认收款后，奖励将转入微信零钱（模拟：由本地 WeChat Pay 模拟器记为成功）',
            confirm: '确认收款',
          };
    return this.dialog(
      html`<div class="dialog__title">${sheet.title}</div>
        <div class="dialog__content">${sheet.content}</div>`,
      kind === 'red-packet' ? '关闭' : '取消',
      sheet.confirm,
      `dialog--payout dialog--${kind}`,
    );
  }

  /** A WeChat-style dialog in the phone; resolves true on confirm. */
  dialog(
    content: string,
    cancelText: string | undefined,
    confirmText: string,
    variant = '',
  ): Promise<boolean> {
    const overlay = element('overlay');
    const dialog = document.createElement('div');
    dialog.className = variant ? `dialog ${variant}` : 'dialog';
    dialog.setAttribute('role', 'dialog');
    dialog.innerHTML = `${content}<div class="dialog__buttons">${
      cancelText ? html`<button type="button" class="dialog__cancel">${cancelText}</button>` : ''
    }${html`<button type="button" class="dialog__confirm">${confirmText}</button>`}</div>`;
    overlay.classList.add('phone__overlay--mask');
    overlay.appendChild(dialog);
    return new Promise((resolve) => {
      const close = (confirmed: boolean) => {
        dialog.remove();
        if (!overlay.querySelector('.dialog')) overlay.classList.remove('phone__overlay--mask');
        resolve(confirmed);
      };
      const tapped = realTaps(dialog);
      dialog.querySelector('.dialog__cancel')?.addEventListener(
        'click',
        tapped(() => close(false)),
      );
      dialog.querySelector('.dialog__confirm')?.addEventListener(
        'click',
        tapped(() => close(true)),
      );
      dialog.querySelector('input')?.addEventListener('keydown', (event) => {
        if ((event as KeyboardEvent).key === 'Enter') close(true);
      });
    });
  }
}

/**
 * A tap that opens an overlay (dialog, action sheet, picker) is followed by the browser's
 * compatibility click at the same spot, which may land on a button of the overlay that just
 * appeared; WeChat has no such click. Wraps click listeners of `panel` so that a touch-made click
 * counts only when the touch began on the panel itself (mouse and keyboard clicks always count).
 */
function realTaps(panel: HTMLElement): (listener: () => void) => (event: Event) => void {
  let touchedHere = false;
  panel.addEventListener('touchstart', () => (touchedHere = true), { passive: true });
  return (listener) => (event) => {
    const fromTouch =
      (event as MouseEvent & { sourceCapabilities?: { firesTouchEvents?: boolean } })
        .sourceCapabilities?.firesTouchEvents === true;
    if (fromTouch && !touchedHere) return;
    listener();
  };
}
