-- What the foreign keys dropped in 0006 did on delete, done once per statement instead of checked on
-- every insert: deleting events deletes their deliveries, and deleting deliveries deletes their attempts
-- (whoever deletes: the pruner, an instance of an earlier version during an upgrade, an operator's SQL).
CREATE FUNCTION gw_delete_deliveries_of_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM deliveries d USING gone WHERE d.event_seq = gone.seq;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER events_delete_deliveries AFTER DELETE ON events REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION gw_delete_deliveries_of_events();
--> statement-breakpoint
CREATE FUNCTION gw_delete_attempts_of_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM attempts a USING gone WHERE a.delivery_id = gone.id;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER deliveries_delete_attempts AFTER DELETE ON deliveries REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION gw_delete_attempts_of_deliveries();
