// The live stream form (new stream and the stream page's edit card).
import * as api from './api.js';
import { buildForm } from './form.js';
import { h } from './dom.js';
import { canWrite } from './session.js';

export async function streamForm(stream, onSaved) {
  const [cats, profiles, servers, guide] = await Promise.all([
    api.all('/categories', { type: 'live' }), api.all('/profiles'), api.all('/servers'),
    api.all('/epg-channels')]);
  const ro = !canWrite();
  const v = stream || { enabled: true, on_demand: false, read_native_rate: 'auto', source_loop: true,
    sources: [], servers: [], category_id: null,
    transcode_profile_id: null, tv_archive_duration: 0, sort_order: 0 };
  const fields = [
    { name: 'name', label: 'Name', required: true, maxlength: 255, readonly: ro },
    { name: 'category_id', label: 'Category', type: 'select', readonly: ro,
      options: [{ value: null, label: '— none —' }, ...cats.map((c) => ({ value: c.id, label: c.name }))] },
    { name: 'sources', label: 'Sources, one URL per line, in failover order (rtmp, http(s), udp, rtp, srt, file)', type: 'lines',
      placeholder: 'file:///srv/loops/news.ts\nhttp://origin.example/live/news.m3u8' },
    { name: 'transcode_profile_id', label: 'Transcode profile', type: 'select', readonly: ro,
      options: [{ value: null, label: 'copy (remux)' },
        ...profiles.map((p) => ({ value: p.id, label: `${p.name} (${p.mode}${p.ladder ? `, ${p.ladder.map((r) => r.name).join('+')}` : ''})` }))] },
    { name: 'on_demand', label: 'On demand (start on first viewer)', type: 'bool', readonly: ro },
    { name: 'read_native_rate', label: 'Read at native rate', type: 'select', readonly: ro,
      options: [{ value: 'auto', label: 'auto (files and VOD sources: 1x; live sources: as they come)' },
        { value: 'on', label: 'on (every source at 1x)' }, { value: 'off', label: 'off (as fast as it comes)' }] },
    { name: 'source_loop', label: 'Loop a file source at its end', type: 'bool', readonly: ro },
    { name: 'enabled', label: 'Enabled', type: 'bool', readonly: ro },
    { name: 'is_adult', label: 'Adult', type: 'bool', readonly: ro },
    { name: 'tv_archive', label: 'Catch-up archive', type: 'bool', readonly: ro },
    { name: 'tv_archive_duration', label: 'Archive days', type: 'number', min: 0, max: 365, readonly: ro },
    { name: 'epg_channel_id', label: 'EPG channel id (type it, or pick one the guide import found)', readonly: ro,
      maxlength: 255, wide: true },
    { name: 'icon', label: 'Icon URL', readonly: ro },
    { name: 'custom_sid', label: 'Custom SID', readonly: ro },
    { name: 'sort_order', label: 'Sort order', type: 'number', readonly: ro },
    { name: 'stream_key', label: stream && stream.has_stream_key ? 'RTMP push key (set; empty: keep)' : 'RTMP push key (empty: none)',
      type: 'password', autocomplete: 'new-password', readonly: ro },
    { name: 'servers', label: 'Servers (none ticked: every server)', type: 'multi', empty: 'no server defined',
      options: servers.map((s) => ({ value: s.id, label: s.name })) },
  ];
  const form = buildForm(fields, v, {
    submitLabel: stream ? 'Save stream' : 'Add stream', readOnly: ro,
    async onSubmit(values, changed) {
      const saved = stream ? await api.patch(`/streams/${stream.id}`, changed) : await api.post('/streams', values);
      onSaved(saved);
    },
  });
    if (!ro) form.input('epg_channel_id').after(epgPicker(guide, form.input('epg_channel_id')));
  return form;
}

// the channel-id picker: every channel of the imported guide, with its
// name and source; picking one fills the id field (still editable)
function epgPicker(guide, input) {
  const sel = h('select#epg-pick', { 'aria-label': 'pick a guide channel', 'data-role': 'epg-pick' },
    h('option', { value: '' }, guide.length ? `— pick one of ${guide.length} guide channels —` : '— no guide imported yet (EPG page) —'),
    guide.map((c) => h('option', { value: c.epg_channel_id, selected: c.epg_channel_id === input.value },
      `${c.epg_channel_id} — ${c.display_name || 'no name'}${c.source_name ? ` (${c.source_name})` : ''}${c.streams ? ` · used by ${c.streams}` : ''}`)));
  sel.addEventListener('change', () => { if (sel.value) input.value = sel.value; });
  return sel;
}
