// Audit: every change, login and kill, newest first; filters by admin
// (search), resource, object id and time.
import { h, fmtTime, clip } from '../dom.js';
import { listPage } from '../list-page.js';
import { sinceFilter } from '../since.js';

const RESOURCES = ['lines', 'streams', 'movies', 'series', 'episodes', 'bouquets', 'categories', 'profiles',
  'servers', 'settings', 'admins', 'epg-sources', 'session'];

export default async function audit(main, params) {
  const page = listPage(main, {
    title: 'Audit', path: '/audit', params, searchLabel: 'Search by admin',
    filters: [
      { name: 'resource', label: 'resource', options: [{ value: '', label: 'any resource' }, ...RESOURCES.map((r) => ({ value: r, label: r }))] },
      sinceFilter()],
    columns: [
      { label: 'when', cell: (a) => fmtTime(a.at) },
      { label: 'admin', cell: (a) => a.admin },
      { label: 'from', cell: (a) => a.address },
      { label: 'action', cell: (a) => a.action },
      { label: 'resource', cell: (a) => a.resource },
      { label: 'id', cell: (a) => a.resource_id },
      { label: 'detail', cell: (a) => (a.detail ? clip(h('code', JSON.stringify(a.detail))) : '') },
    ],
  });
  return page.cleanup;
}
