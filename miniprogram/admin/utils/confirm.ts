/** Asks before anything irreversible: resolves true only when the person taps the confirm button. */
export function confirmAction(options: {
  title: string;
  content: string;
  confirmText: string;
  danger?: boolean;
}): Promise<boolean> {
  return new Promise((resolve) => {
    wx.showModal({
      title: options.title,
      content: options.content,
      confirmText: options.confirmText,
      cancelText: '取消',
      ...(options.danger ? { confirmColor: '#ee0a24' } : {}),
      success: (result) => resolve(result.confirm),
      fail: () => resolve(false),
    });
  });
}

/**
 * WeChat's own action sheet (no component weighs on the package): resolves the chosen item, or
 * null when the person cancels. At most 6 items.
 */
export function chooseFrom<T extends { name: string }>(
  title: string,
  items: readonly T[],
): Promise<T | null> {
  return new Promise((resolve) => {
    wx.showActionSheet({
      alertText: title,
      itemList: items.map((item) => item.name),
      success: (result) => resolve(items[result.tapIndex] ?? null),
      fail: () => resolve(null),
    });
  });
}
