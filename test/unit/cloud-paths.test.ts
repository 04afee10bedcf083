import { describe, expect, it } from 'vitest';
import { isCloudFileInside } from '../../cloudfunctions/core/domain/cloud-paths';

describe('a storage file a client names', () => {
  it('is taken only inside its folder', () => {
    expect(isCloudFileInside('cloud://env.bucket/product-images/p/1.png', 'product-images/')).toBe(
      true,
    );
    expect(isCloudFileInside('cloud://env.bucket/exports/e1/codes.csv', 'product-images/')).toBe(
      false,
    );
    expect(isCloudFileInside('https://example.com/product-images/1.png', 'product-images/')).toBe(
      false,
    );
    // The folder itself is not a file.
    expect(isCloudFileInside('cloud://env.bucket/product-images/', 'product-images/')).toBe(false);
  });

  it('refuses dot, empty and escaped segments that could leave the folder', () => {
    for (const path of [
      'product-images/../exports/e1/codes.csv',
      'product-images/./1.png',
      'product-images//1.png',
      'product-images/%2e%2e/codes.csv',
      'product-images/..\\codes.csv',
    ])
      expect(isCloudFileInside(`cloud://env.bucket/${path}`, 'product-images/'), path).toBe(false);
  });
});
