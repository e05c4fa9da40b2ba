export {
  IMAGE_TYPES,
  isValidObjectKey,
  newObjectKey,
  type ObjectStorage,
  type PresignedPut,
  type StoredObject,
} from './object-storage.ts';
export { LocalDiskStorage } from './storage.local-disk.ts';
export { S3Storage, type S3Settings } from './storage.s3.ts';
