export {
  IMAGE_TYPES,
  isValidObjectKey,
  newObjectKey,
  type ObjectStorage,
  type PresignedPut,
  type StoredObject,
} from './object-storage.ts';
export { LocalDiskStorage } from './storage.local-disk.ts';
export { type S3Settings, S3Storage } from './storage.s3.ts';
