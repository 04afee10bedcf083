import type { AdminAction, AdminActions } from '../../../typings/admin';
import type { Envelope } from '../../../typings/envelope';
import { callAction } from '../../services/cloud';

/**
 * The console's one way to the `admin` cloud function, typed by the shared contract
 * (typings/admin.ts): each method takes exactly its action's request and resolves to an envelope
 * of exactly its response, so a field renamed on the server fails `tsc` here. Pages and stores
 * call these methods and never spell an action name. Lives in the `admin` subpackage: nothing of
 * the console weighs on the consumers' main package.
 */
export type AdminRequest<A extends AdminAction> = AdminActions[A]['request'];
export type AdminReply<A extends AdminAction> = Envelope<AdminActions[A]['response']>;

const FUNCTION_NAME = 'admin';

function call<A extends AdminAction>(action: A, request: AdminRequest<A>): Promise<AdminReply<A>> {
  return callAction<AdminActions[A]['response']>(FUNCTION_NAME, action, request);
}

export type AdminClient = {
  [A in AdminAction]: Record<string, never> extends AdminRequest<A>
    ? (request?: AdminRequest<A>) => Promise<AdminReply<A>>
    : (request: AdminRequest<A>) => Promise<AdminReply<A>>;
};

/** `satisfies AdminClient`: an action added to the contract without a method here fails `tsc`. */
export const adminClient = {
  me: (request = {}) => call('me', request),
  acceptInvite: (request) => call('acceptInvite', request),
  dashboard: (request = {}) => call('dashboard', request),
  applyCodes: (request) => call('applyCodes', request),
  refreshApplication: (request) => call('refreshApplication', request),
  listApplications: (request = {}) => call('listApplications', request),
  importRange: (request) => call('importRange', request),
  exportRange: (request) => call('exportRange', request),
  activateRange: (request) => call('activateRange', request),
  queryActivation: (request) => call('queryActivation', request),
  listRanges: (request) => call('listRanges', request),
  createProduct: (request) => call('createProduct', request),
  updateProduct: (request) => call('updateProduct', request),
  getProduct: (request) => call('getProduct', request),
  listProducts: (request = {}) => call('listProducts', request),
  bindProduct: (request) => call('bindProduct', request),
  createCampaign: (request) => call('createCampaign', request),
  updateCampaign: (request) => call('updateCampaign', request),
  setCampaignStatus: (request) => call('setCampaignStatus', request),
  getCampaign: (request) => call('getCampaign', request),
  listCampaigns: (request = {}) => call('listCampaigns', request),
  listPayouts: (request = {}) => call('listPayouts', request),
  rewardStats: (request) => call('rewardStats', request),
  scanStats: (request) => call('scanStats', request),
  productScanStats: (request) => call('productScanStats', request),
  setRangeRegions: (request) => call('setRangeRegions', request),
  listDiversionAlerts: (request = {}) => call('listDiversionAlerts', request),
  createInvite: (request) => call('createInvite', request),
  listMembers: (request = {}) => call('listMembers', request),
  grantRole: (request) => call('grantRole', request),
  revokeRole: (request) => call('revokeRole', request),
  listAuditLog: (request = {}) => call('listAuditLog', request),
  createChannelQr: (request) => call('createChannelQr', request),
  getChannelQr: (request) => call('getChannelQr', request),
  listChannelQrs: (request = {}) => call('listChannelQrs', request),
  updateChannelQr: (request) => call('updateChannelQr', request),
  copyChannelQr: (request) => call('copyChannelQr', request),
  deleteChannelQrs: (request) => call('deleteChannelQrs', request),
  addMaterial: (request) => call('addMaterial', request),
  listMaterials: (request = {}) => call('listMaterials', request),
  listOaDrafts: (request = {}) => call('listOaDrafts', request),
  listQrScanners: (request) => call('listQrScanners', request),
  exportQrScanners: (request) => call('exportQrScanners', request),
  getExport: (request) => call('getExport', request),
  exportData: (request) => call('exportData', request),
  listExports: (request = {}) => call('listExports', request),
  createAudience: (request) => call('createAudience', request),
  listAudiences: (request = {}) => call('listAudiences', request),
  qrImage: (request) => call('qrImage', request),
  qrImagesZip: (request) => call('qrImagesZip', request),
  exportQrLinks: (request = {}) => call('exportQrLinks', request),
} satisfies AdminClient;
