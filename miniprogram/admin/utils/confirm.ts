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
