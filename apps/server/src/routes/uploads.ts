import { Transform } from 'node:stream';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError, notFound } from '@rosterchirp/domain';
import {
  CreateUploadBody,
  CreateUploadReply,
  DirectUploadReply,
  UploadCleanupBody,
  UploadCleanupReply,
  type UploadKind,
} from '@rosterchirp/protocol';
import { IMAGE_TYPES, isValidObjectKey, newObjectKey } from '@rosterchirp/storage';
import type { FastifyRequest } from 'fastify';

/** Counts bytes as they pass and fails the stream once more than `max` went through. */
function byteLimit(max: number) {
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > max) done(new AppError('TOO_LARGE', `The file is larger than ${max} bytes`));
      else done(null, chunk);
    },
  });
  return { counter, bytes: () => seen };
}

/**
 * A body that is not valid multipart (no boundary, a broken part header, cut short) fails inside
 * busboy with a plain Error, or in @fastify/multipart with a 4xx error: both are the client's
 * mistake, so a 400 (or 413), never a 500. Anything else (storage down) goes on unchanged.
 */
function multipartInputError(err: unknown): unknown {
  if (err instanceof AppError) return err;
  const e = err as { message?: string; statusCode?: number; code?: string };
  if (e.statusCode === 413) return new AppError('TOO_LARGE', 'The upload is too large');
  const busboy = /^(Malformed|Unexpected end of|Multipart: Boundary not found|Missing)/i.test(
    e.message ?? '',
  );
  if (busboy || (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500)) {
    return new AppError(
      'VALIDATION_FAILED',
      `The multipart body is malformed: ${e.message ?? 'unreadable'}`,
      {
        field: 'file',
      },
    );
  }
  return err;
}

function keyFrom(request: FastifyRequest): string {
  const key = (request.params as { '*': string })['*'];
  if (!isValidObjectKey(key) || !key.startsWith(`${request.tenant.schema}/`)) throw notFound('Upload');
  return key;
}

/** Uploads of docs/API.md: presigned PUT (or the API's own PUT on local disk), multipart, and reads. */
export const uploadRoutes: FastifyPluginAsyncTypebox<{ maxBytes: number }> = async (app, opts) => {
  const { uploads, storage } = app.services;
  app.addHook('preHandler', app.requireUser);
  await app.register(fastifyMultipart, {
    limits: { fileSize: opts.maxBytes, files: 1, fields: 4, fieldSize: 100 },
  });
  // Raw image bodies for PUT /api/uploads/* stream straight to storage.
  app.addContentTypeParser(Object.keys(IMAGE_TYPES), (_req, payload, done) => done(null, payload));

  app.post(
    '/api/uploads',
    { schema: { body: CreateUploadBody, response: { 201: CreateUploadReply } } },
    async (req, reply) => reply.status(201).send(await uploads.issue(req.tenant, req.actor.user, req.body)),
  );

  app.put('/api/uploads/*', { bodyLimit: opts.maxBytes }, async (req, reply) => {
    const key = keyFrom(req);
    const upload = await uploads.pendingFor(req.tenant, req.actor.user, key, req.headers['content-type']);
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    if (Number.isFinite(declared) && declared > upload.size) {
      throw new AppError('TOO_LARGE', `This upload was issued for ${upload.size} bytes`);
    }
    const limit = byteLimit(upload.size);
    const body = req.body as NodeJS.ReadableStream;
    const stored = await storage
      .put(key, body.pipe(limit.counter), upload.contentType)
      .catch(async (err: unknown) => {
        await storage.delete(key).catch(() => undefined);
        throw err;
      });
    await uploads.markStored(req.tenant, key, stored.size);
    return reply.status(204).send();
  });

  // The periodic cleanup's report for this workspace (dry run), or a run now (admins).
  app.post(
    '/api/uploads/cleanup',
    {
      onRequest: app.requireRole('admin'),
      schema: { body: UploadCleanupBody, response: { 200: UploadCleanupReply } },
    },
    async (req) => ({
      report: await app.services.uploadCleanup.run(req.tenant, { dryRun: req.body.dryRun }),
    }),
  );

  app.post(
    '/api/uploads/direct',
    { schema: { response: { 201: DirectUploadReply } } },
    async (req, reply) => {
      if (!req.isMultipart())
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as multipart/form-data');
      const file = await req.file().catch((err: unknown) => {
        throw multipartInputError(err);
      });
      if (!file) throw new AppError('VALIDATION_FAILED', 'No file in the form', { field: 'file' });
      const kindField = file.fields.kind as { value?: unknown } | undefined;
      const kind = (kindField?.value ?? 'image') as UploadKind;
      if (!['image', 'avatar', 'logo'].includes(kind)) {
        file.file.resume();
        throw new AppError('VALIDATION_FAILED', 'kind must be image, avatar or logo', { field: 'kind' });
      }
      if (!IMAGE_TYPES[file.mimetype]) {
        file.file.resume();
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Images must be JPEG, PNG, GIF or WebP', {
          field: 'file',
        });
      }
      uploads.checkRequest(req.actor.user, kind, 1);
      const key = newObjectKey(req.tenant.schema, kind, file.mimetype);
      const { size } = await storage.put(key, file.file, file.mimetype).catch(async (err: unknown) => {
        await storage.delete(key).catch(() => undefined);
        throw multipartInputError(err);
      });
      if (file.file.truncated) {
        await storage.delete(key);
        throw new AppError('TOO_LARGE', `Images may be at most ${opts.maxBytes} bytes`);
      }
      await uploads.recordStored(req.tenant, req.actor.user, key, kind, file.mimetype, size);
      return reply.status(201).send({ key, url: `/api/uploads/${key}` });
    },
  );

  app.get('/api/uploads/*', async (req, reply) => {
    const key = keyFrom(req);
    const url = await storage.readUrl(key, 300);
    if (url) return reply.redirect(url, 302);
    const object = await storage.get(key);
    if (!object) throw notFound('Upload');
    reply.header('content-type', object.contentType);
    reply.header('content-length', String(object.size));
    reply.header('cache-control', 'private, max-age=86400, immutable');
    reply.header('x-content-type-options', 'nosniff');
    return reply.send(object.body);
  });
};
