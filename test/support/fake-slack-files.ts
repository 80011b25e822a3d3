import type { IncomingMessage, ServerResponse } from 'node:http';
import { fixtureText } from './published-samples.ts';

/** A file a workspace member "uploaded" (addFile), served at its url_private_download to a bearer token. */
export type HostedFile = {
  id: string;
  name: string;
  mimetype: string;
  bytes: Buffer;
  downloads: Array<{ token: string | undefined }>;
  /** Set by a test: the download sends this many bytes, then nothing more until the client gives up. */
  stallAfter?: number;
};

export const FILES_PATH = '/files/';

// Slack's `filetype` and `pretty_type` for the MIME types tests attach (Slack's file-types list).
const TYPES: Record<string, { filetype: string; pretty: string }> = {
  'text/csv': { filetype: 'csv', pretty: 'CSV' },
  'image/jpeg': { filetype: 'jpg', pretty: 'JPEG' },
  'image/png': { filetype: 'png', pretty: 'PNG' },
  'application/pdf': { filetype: 'pdf', pretty: 'PDF' },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': {
    filetype: 'docx',
    pretty: 'Word Document',
  },
};
const BY_EXTENSION: Record<string, string> = {
  csv: 'text/csv',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

/**
 * The fake Slack's files: `files.info` answers Slack's published sample (test/fixtures/slack/files-info.json,
 * the docs' "typical success response") with this file's id, name, type, size and addresses put in,
 * `{ok: false, error: "file_not_found"}` for a file it does not have (or no longer has); the download
 * answers the bytes to a bearer token and Slack's sign-in page (HTML, 200) to anyone else.
 */
export function createFakeFiles(origin: () => string) {
  const files = new Map<string, HostedFile>();
  let counter = 0;
  const nextId = () => {
    counter += 1;
    return `F${String(counter).padStart(8, '0')}`;
  };
  const urlOf = (file: HostedFile) =>
    `${origin()}${FILES_PATH}${file.id}/download/${encodeURIComponent(file.name)}`;

  return {
    nextId,
    add(content: string | Buffer, options: { name?: string; mimetype?: string } = {}): HostedFile {
      const name = options.name ?? 'orders.csv';
      const extension = name.split('.').pop()?.toLowerCase() ?? '';
      const file: HostedFile = {
        id: nextId(),
        name,
        mimetype: options.mimetype ?? BY_EXTENSION[extension] ?? 'application/octet-stream',
        bytes: typeof content === 'string' ? Buffer.from(content, 'utf8') : content,
        downloads: [],
      };
      files.set(file.id, file);
      return file;
    },
    /** As a member deleting it: files.info and the download no longer find it. */
    delete(id: string): void {
      files.delete(id);
    },
    info(fileId: unknown): Record<string, unknown> {
      const file = files.get(String(fileId ?? ''));
      if (!file) return { ok: false, error: 'file_not_found' };
      const sample = JSON.parse(fixtureText('slack/files-info.json')) as { file: Record<string, unknown> };
      const type = TYPES[file.mimetype] ?? { filetype: 'binary', pretty: 'Binary' };
      return {
        ...sample,
        file: {
          ...sample.file,
          id: file.id,
          name: file.name,
          title: file.name,
          mimetype: file.mimetype,
          filetype: type.filetype,
          pretty_type: type.pretty,
          size: file.bytes.length,
          url_private: urlOf(file),
          url_private_download: urlOf(file),
          permalink: `${origin()}/archives/files/${file.id}`,
        },
      };
    },
    serve(req: IncomingMessage, res: ServerResponse, url: URL, token: string | undefined): void {
      const id = url.pathname.slice(FILES_PATH.length).split('/')[0] ?? '';
      const file = files.get(id);
      req.resume();
      if (!file) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      file.downloads.push({ token });
      if (!token) {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html>sign in</html>');
        return;
      }
      res.writeHead(200, { 'content-type': file.mimetype, 'content-length': String(file.bytes.length) });
      if (req.method === 'HEAD') res.end();
      else if (file.stallAfter === undefined) res.end(file.bytes);
      else res.write(file.bytes.subarray(0, file.stallAfter));
    },
  };
}
