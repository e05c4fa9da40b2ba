import type { TenantDb } from '@rosterchirp/db';
import type { Contact, ContactBody } from '@rosterchirp/protocol';
import { PhoneTaken, type Stores } from '@rosterchirp/store';
import { AppError, notFound } from '../app-error.ts';
import type { AuditService } from '../audit-service.ts';
import { auditWho } from '../audit-service.ts';
import type { Actor } from '../context.ts';

/** The address book of people reached through the bridges (name, phones, tags). */
export function createContacts(deps: { stores: Pick<Stores, 'integrations'>; audit: AuditService }) {
  const { integrations } = deps.stores;
  const taken = (err: unknown): never => {
    if (err instanceof PhoneTaken) {
      throw new AppError('CONFLICT', `${err.phone} belongs to another contact`, { field: 'phones' });
    }
    throw err;
  };
  const clean = (body: ContactBody) => ({
    name: body.name.trim(),
    phones: body.phones,
    tags: [...new Set((body.tags ?? []).map((t) => t.trim().toLowerCase()))],
  });
  return {
    list: (db: TenantDb) => integrations.listContacts(db, 'sms'),

    async create(db: TenantDb, actor: Actor, body: ContactBody): Promise<Contact> {
      const contact = await integrations.insertContact(db, clean(body)).catch(taken);
      await deps.audit.record(db, auditWho(actor), {
        action: 'contact.created',
        target: { type: 'integration', id: `contact:${contact.id}` },
        details: { name: contact.name },
      });
      return contact;
    },

    async update(db: TenantDb, actor: Actor, id: number, body: ContactBody): Promise<Contact> {
      const contact = await integrations.updateContact(db, id, clean(body)).catch(taken);
      if (!contact) throw notFound('Contact');
      await deps.audit.record(db, auditWho(actor), {
        action: 'contact.updated',
        target: { type: 'integration', id: `contact:${id}` },
      });
      return contact;
    },

    async remove(db: TenantDb, actor: Actor, id: number): Promise<void> {
      if (!(await integrations.deleteContact(db, id))) throw notFound('Contact');
      await deps.audit.record(db, auditWho(actor), {
        action: 'contact.deleted',
        target: { type: 'integration', id: `contact:${id}` },
      });
    },
  };
}
