// An image from a file route, fetched with the signed-in session (an <img> cannot send the token).
import { useFileUrl } from './files-data.js';

export function FileImage({ path, alt, className }: { path: string; alt: string; className?: string }) {
  const url = useFileUrl(path);
  if (!url) return <span className={`file-image-placeholder ${className ?? ''}`} aria-label={alt} role="img" />;
  return <img src={url} alt={alt} className={className} draggable={false} />;
}
