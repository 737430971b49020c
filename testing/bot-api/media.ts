import type { File, Message } from 'grammy/types';
import { UploadedFile } from './body';
import type { MethodContext } from './context';
import { badRequest } from './errors';
import type { StandInState, StoredFile } from './state';
import type { MediaKind } from './types';

const FILE_ID = /^[\w-]{20,}$/;
const FILE_TYPES: Record<string, { dir: string; ext: string; mime: string }> = {
  photo: { dir: 'photos', ext: 'jpg', mime: 'image/jpeg' },
  video: { dir: 'videos', ext: 'mp4', mime: 'video/mp4' },
  animation: { dir: 'animations', ext: 'mp4', mime: 'video/mp4' },
  document: { dir: 'documents', ext: 'pdf', mime: 'application/pdf' },
  voice: { dir: 'voice', ext: 'oga', mime: 'audio/ogg' },
  audio: { dir: 'music', ext: 'mp3', mime: 'audio/mpeg' },
};
const MIME_BY_EXT: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  pdf: 'application/pdf',
  txt: 'text/plain',
  zip: 'application/zip',
  mp4: 'video/mp4',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
};

/** Registers a new file owned by `botId` and returns its file_id (shaped like Telegram's: long base64url). */
export function newFile(
  state: StandInState,
  botId: number,
  kind: string,
  source: { name?: string; content?: Buffer; fileId?: string } = {},
): string {
  const type = FILE_TYPES[kind] ?? FILE_TYPES.document!;
  const ext = source.name?.split('.').at(-1)?.toLowerCase();
  const fileId = source.fileId ?? state.uniqueId(kind === 'photo' ? 'AgACAgIAAxkBAA' : 'BQACAgIAAxkBAA', 24);
  state.files.set(fileId, {
    botId,
    kind,
    uniqueId: state.uniqueId('AQAD', 9),
    path: `${type.dir}/file_${state.files.size}.${ext && MIME_BY_EXT[ext] ? ext : type.ext}`,
    size: source.content?.length ?? 24_576,
    ...(source.name ? { name: source.name } : {}),
    mimeType: (ext && MIME_BY_EXT[ext]) ?? type.mime,
    ...(source.content ? { content: source.content } : {}),
  });
  return fileId;
}

/**
 * The file_id a media parameter names. An upload (directly or through `attach://`) or a URL becomes a new file of
 * this bot. An existing file_id must belong to this bot: Telegram's file ids are per bot, so sending another bot's id
 * fails. Unlike Telegram, a well-formed id the stand-in has never seen (course content made for the real bot) is
 * accepted and from then on belongs to the first bot that used it.
 */
export function fileIdFor(ctx: MethodContext, kind: MediaKind, value: unknown): string {
  let source = value;
  if (typeof source === 'string' && source.startsWith('attach://')) {
    source = ctx.params.raw[source.slice('attach://'.length)];
  }
  if (source instanceof UploadedFile) {
    return newFile(ctx.state, ctx.bot.id, kind, { name: source.filename, content: source.content });
  }
  if (typeof source !== 'string' || source === '') throw badRequest(`there is no ${kind} in the request`);
  if (/^https?:\/\//.test(source)) {
    return newFile(ctx.state, ctx.bot.id, kind, { name: new URL(source).pathname.split('/').at(-1) });
  }
  const known = ctx.state.files.get(source);
  if (known ? known.botId !== ctx.bot.id : !FILE_ID.test(source)) {
    throw badRequest('wrong file identifier/HTTP URL specified');
  }
  return known ? source : newFile(ctx.state, ctx.bot.id, kind, { fileId: source });
}

/** The message fields that carry a file, sized like a typical upload of that kind. */
export function mediaFields(state: StandInState, kind: MediaKind, fileId: string): Partial<Message> {
  const file = state.files.get(fileId);
  const common = { file_id: fileId, file_unique_id: file?.uniqueId ?? fileId.slice(-16), file_size: file?.size };
  const named = { file_name: file?.name ?? `${kind}.${FILE_TYPES[kind]!.ext}`, mime_type: file?.mimeType };
  switch (kind) {
    case 'photo':
      return {
        photo: [
          { ...common, file_size: 1_200, width: 90, height: 67 },
          { ...common, width: 1280, height: 960 },
        ],
      };
    case 'video':
      return { video: { ...common, ...named, width: 1280, height: 720, duration: 12 } };
    case 'animation':
      return { animation: { ...common, ...named, width: 480, height: 270, duration: 3 } };
    case 'voice':
      return { voice: { ...common, duration: 4, mime_type: 'audio/ogg' } };
    case 'audio':
      return { audio: { ...common, ...named, duration: 95 } };
    case 'document':
      return { document: { ...common, ...named } };
  }
}

/** getFile: a file this bot may download (only its own file ids). */
export function getFile(ctx: MethodContext): File {
  const fileId = ctx.params.string('file_id');
  const file = ctx.state.files.get(fileId);
  if (!file || file.botId !== ctx.bot.id) throw badRequest('invalid file_id');
  return { file_id: fileId, file_unique_id: file.uniqueId, file_size: file.size, file_path: file.path };
}

/** The bytes behind `/file/bot<token>/<path>`: the upload itself, or a placeholder for files sent by URL or id. */
export function fileContent(state: StandInState, botId: number, path: string): Buffer | undefined {
  const entry = [...state.files.entries()].find(([, f]) => f.botId === botId && f.path === path);
  if (!entry) return undefined;
  const [fileId, file]: [string, StoredFile] = entry;
  return file.content ?? Buffer.from(`Bot API stand-in placeholder for ${file.kind} ${fileId}\n`);
}
