export { isValidObjectKey, type ObjectStorage, type StoredObject } from './object-storage.ts';
export { LocalDiskStorage } from './storage.local-disk.ts';
