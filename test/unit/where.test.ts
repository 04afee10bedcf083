/**
 * Where a scan happened (issue 12 point 2), offline: ip2region's database on known public
 * addresses, the bundled city outlines on known coordinates, province spellings, and whether a
 * place lies in a range's sales regions.
 */
import { describe, expect, it } from 'vitest';
import {
  canonicalProvince,
  isOutsideRegions,
  nearestCity,
  normalizeRegions,
  placeLabel,
} from '../../cloudfunctions/core/domain/regions';
import { placeOfIp, placeOfScan } from '../../cloudfunctions/core/scan/where';

describe('province and city from the caller IP', () => {
  it.each([
    ['202.96.134.133', '广东省', '深圳市'], // Shenzhen Telecom DNS
    ['114.114.114.114', '江苏省', '南京市'],
    ['223.5.5.5', '浙江省', '杭州市'], // AliDNS
    ['116.228.111.118', '上海市', '上海市'],
    ['123.125.0.1', '北京市', '北京市'], // ip2region says 北京: spelt as GB/T 2260 does
    ['240e:e9:8819:0:3::3f9', '江苏省', '苏州市'], // IPv6 (CLIENTIPV6)
  ])('%s → %s %s', (ip, province, city) => {
    expect(placeOfIp(ip)).toEqual({ province, city, source: 'ip' });
  });

  it('has no place for private, loopback, foreign or malformed addresses', () => {
    for (const ip of ['127.0.0.1', '10.1.2.3', '192.168.0.8', '8.8.8.8', '1.2.3.4', 'not-an-ip'])
      expect(placeOfIp(ip), ip).toBeUndefined();
    expect(placeOfIp(undefined)).toBeUndefined();
  });
});

describe('city from granted coordinates', () => {
  it.each([
    [22.54, 114.06, '广东省', '深圳市'],
    [23.13, 113.26, '广东省', '广州市'],
    [30.27, 120.15, '浙江省', '杭州市'], // west of the city's area centre: the outline decides
    [31.23, 121.47, '上海市', '上海市'],
    [39.9, 116.4, '北京市', '北京市'],
    [29.56, 106.55, '重庆市', '重庆市'],
    [43.83, 87.62, '新疆维吾尔自治区', '乌鲁木齐市'],
    [45.75, 126.63, '黑龙江省', '哈尔滨市'],
    [22.28, 114.16, '香港特别行政区', '香港特别行政区'],
    [18.25, 109.51, '海南省', '三亚市'],
  ])('%f, %f → %s %s', (latitude, longitude, province, city) => {
    expect(nearestCity(latitude, longitude)).toEqual({ province, city, source: 'location' });
  });

  it('names nothing far from China', () => {
    expect(nearestCity(48.85, 2.35)).toBeUndefined(); // Paris
    expect(nearestCity(-33.87, 151.21)).toBeUndefined(); // Sydney
  });

  it('prefers the granted location to the IP', () => {
    expect(
      placeOfScan({ location: { latitude: 30.27, longitude: 120.15 }, clientIp: '123.125.0.1' }),
    ).toMatchObject({ province: '浙江省', city: '杭州市', source: 'location' });
    expect(placeOfScan({ clientIp: '123.125.0.1' })).toMatchObject({ province: '北京市' });
    expect(placeLabel({ province: '浙江省', city: '杭州市', source: 'location' })).toBe(
      '浙江省杭州市',
    );
    expect(placeLabel({ province: '上海市', city: '上海市', source: 'ip' })).toBe('上海市');
  });
});

describe('sales regions', () => {
  it('spells provinces one way', () => {
    expect(canonicalProvince('广西')).toBe('广西壮族自治区');
    expect(canonicalProvince('内蒙古')).toBe('内蒙古自治区');
    expect(canonicalProvince('北京')).toBe('北京市');
    expect(canonicalProvince('广东省')).toBe('广东省');
    expect(canonicalProvince('火星')).toBeUndefined();
    expect(normalizeRegions([{ province: '上海' }, { province: '广东', city: '深圳市' }])).toEqual({
      ok: true,
      regions: [{ province: '上海市' }, { province: '广东省', city: '深圳市' }],
    });
    expect(normalizeRegions([{ province: '火星' }])).toEqual({ ok: false, unknown: '火星' });
  });

  it('finds a place outside every region, never without regions', () => {
    const shenzhen = { province: '广东省', city: '深圳市', source: 'ip' as const };
    expect(isOutsideRegions(shenzhen, undefined)).toBe(false);
    expect(isOutsideRegions(shenzhen, [])).toBe(false);
    expect(isOutsideRegions(shenzhen, [{ province: '上海市' }])).toBe(true);
    expect(isOutsideRegions(shenzhen, [{ province: '广东省' }])).toBe(false);
    expect(isOutsideRegions(shenzhen, [{ province: '广东省', city: '广州市' }])).toBe(true);
    expect(isOutsideRegions(shenzhen, [{ province: '广东省', city: '深圳' }])).toBe(false);
    // The city unknown: inside its province's city regions (we cannot say it is outside).
    expect(
      isOutsideRegions({ province: '广东省', source: 'ip' }, [
        { province: '广东省', city: '广州市' },
      ]),
    ).toBe(false);
  });
});
