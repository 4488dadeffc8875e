import { EVENT_TYPES } from '../../catalogue/index.js';
import type { Subscription, Webhook } from '../api-types.js';
import { CsrfField, FieldErrors } from '../layout.js';
import type { Session } from '../session.js';

export type Errors = Map<string, string[]> | undefined;

/** The catalogue's event types for a searchable picker (type to filter, as the browser's datalist does). */
export function EventTypeList() {
  return (
    <datalist id="event-types">
      {EVENT_TYPES.map((t) => (
        <option value={t} />
      ))}
    </datalist>
  );
}

export interface WebhookFormValues {
  Endpoint: string;
  Description: string;
  TimeoutSeconds: string;
  InsecureSSL: boolean;
}

export const valuesOf = (w: Webhook): WebhookFormValues => ({
  Endpoint: w.Endpoint,
  Description: w.Description ?? '',
  TimeoutSeconds: String(w.TimeoutSeconds),
  InsecureSSL: w.InsecureSSL,
});

/** The settings fields, shared by the create form and the edit form; the API's problems beside each. */
export function WebhookFields({
  values,
  errors,
  editable,
}: {
  values: WebhookFormValues;
  errors: Errors;
  editable: boolean;
}) {
  return (
    <>
      <label>
        Endpoint
        <input
          name="Endpoint"
          type="url"
          value={values.Endpoint}
          required
          disabled={!editable}
          aria-describedby="Endpoint-error"
        />
        <FieldErrors errors={errors} field="Endpoint" />
      </label>
      <label>
        Description
        <input name="Description" value={values.Description} disabled={!editable} />
        <FieldErrors errors={errors} field="Description" />
      </label>
      <label>
        TimeoutSeconds
        <input
          name="TimeoutSeconds"
          type="number"
          min="1"
          step="1"
          value={values.TimeoutSeconds}
          disabled={!editable}
        />
        <FieldErrors errors={errors} field="TimeoutSeconds" />
      </label>
      <label class="check">
        <input
          name="InsecureSSL"
          type="checkbox"
          value="true"
          checked={values.InsecureSSL}
          disabled={!editable}
        />
        InsecureSSL (accept any certificate)
      </label>
      {values.InsecureSSL && (
        <p class="warning" role="note">
          InsecureSSL is on: this webhook accepts any certificate, so anyone between the gateway and the
          receiver can read and change its events. Use it only for a receiver on a self-signed certificate you
          control.
        </p>
      )}
      <FieldErrors errors={errors} field="InsecureSSL" />
    </>
  );
}

export function webhookBody(form: Record<string, string>): Record<string, unknown> {
  const timeout = Number(form.TimeoutSeconds);
  return {
    Endpoint: form.Endpoint ?? '',
    Description: form.Description ?? '',
    InsecureSSL: form.InsecureSSL === 'true',
    TimeoutSeconds:
      form.TimeoutSeconds === '' || form.TimeoutSeconds === undefined
        ? undefined
        : Number.isFinite(timeout)
          ? timeout
          : form.TimeoutSeconds,
  };
}

export const formValues = (form: Record<string, string>): WebhookFormValues => ({
  Endpoint: form.Endpoint ?? '',
  Description: form.Description ?? '',
  TimeoutSeconds: form.TimeoutSeconds ?? '',
  InsecureSSL: form.InsecureSSL === 'true',
});

/** One subscription's target in words. */
export function targetOf(s: Subscription): string {
  if (s.EntityId !== undefined) return `EntityId ${s.EntityId}`;
  if (s.SecurityGroupId !== undefined) return `SecurityGroupId ${s.SecurityGroupId}`;
  return 'AllEntities';
}

/** The body of a subscription from the form: EventType, exactly one target, Enabled. */
export function subscriptionBody(form: Record<string, string>): Record<string, unknown> {
  const target =
    form.Target === 'EntityId'
      ? { EntityId: (form.TargetId ?? '').trim() }
      : form.Target === 'SecurityGroupId'
        ? { SecurityGroupId: (form.TargetId ?? '').trim() }
        : { AllEntities: true };
  return { EventType: (form.EventType ?? '').trim(), ...target, Enabled: form.Enabled !== 'false' };
}

export function SubscriptionFields({
  session,
  values,
  errors,
  idPrefix,
}: {
  session: Session;
  values: { EventType: string; Target: string; TargetId: string; Enabled: boolean };
  errors: Errors;
  idPrefix: string;
}) {
  return (
    <>
      <CsrfField session={session} />
      <label>
        EventType
        <input
          name="EventType"
          list="event-types"
          value={values.EventType}
          required
          autocomplete="off"
          id={`${idPrefix}-event-type`}
          placeholder="type to search the catalogue"
        />
        <FieldErrors errors={errors} field="EventType" />
      </label>
      <label>
        Target
        <select name="Target">
          {['AllEntities', 'EntityId', 'SecurityGroupId'].map((t) => (
            <option value={t} selected={values.Target === t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <label>
        EntityId or SecurityGroupId
        <input name="TargetId" value={values.TargetId} placeholder="Guid (not for AllEntities)" />
        <FieldErrors errors={errors} field="EntityId" />
        <FieldErrors errors={errors} field="SecurityGroupId" />
        <FieldErrors errors={errors} field="AllEntities" />
      </label>
      <label class="check">
        <input type="checkbox" name="Enabled" value="true" checked={values.Enabled} />
        Enabled
      </label>
      <input type="hidden" name="Enabled" value="false" />
    </>
  );
}
