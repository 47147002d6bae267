// Images and files from the slash menu: uploaded to the files API against this document, then
// inserted: an image becomes the `image` node (its `src` the file route), anything else a link.
import type { Editor, Range } from '@tiptap/core';
import { client } from '../../../api/session.js';

export interface UploadedFile {
  id: string;
  name: string;
  mime: string;
  size: number;
  width?: number;
  height?: number;
}

export async function uploadFile(documentId: string, file: File): Promise<UploadedFile> {
  const form = new FormData();
  form.append('documentId', documentId);
  form.append('file', file, file.name);
  return client.http.request<UploadedFile>('POST', '/api/v1/files', { raw: form });
}

/** Opens the file picker; resolves with the chosen file or null. */
export function pickFile(accept?: string): Promise<File | null> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    if (accept) input.accept = accept;
    input.onchange = () => resolve(input.files?.[0] ?? null);
    input.oncancel = () => resolve(null);
    input.click();
  });
}

export function insertUploaded(editor: Editor, range: Range | null, file: UploadedFile) {
  const chain = editor.chain().focus();
  if (range) chain.deleteRange(range);
  const href = `/api/v1/files/${file.id}`;
  if (file.mime.startsWith('image/') && editor.schema.nodes.image) {
    chain.insertContent({ type: 'image', attrs: { src: href, alt: file.name } }).run();
    return;
  }
  chain
    .insertContent([
      { type: 'text', text: file.name, marks: [{ type: 'link', attrs: { href } }] },
      { type: 'text', text: ' ' },
    ])
    .run();
}

export async function uploadInto(editor: Editor, range: Range | null, documentId: string, accept?: string): Promise<void> {
  const file = await pickFile(accept);
  if (!file) return;
  const uploaded = await uploadFile(documentId, file);
  insertUploaded(editor, range, uploaded);
}
