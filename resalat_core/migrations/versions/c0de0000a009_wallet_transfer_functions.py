"""wallet transfer functions

The ledger's hot path on PostgreSQL in one round trip: ``wallet_transfers`` makes one transfer or
a linked group (the keyed insert, both balance updates with the accounts locked in id order, both
entries) and ``wallet_resolve`` posts or voids a pending one. Python keeps the rules that need
the plugins (the earmark spend policy): the function refuses an earmarked debit it was not told
was checked, and Python then asks the policy and calls it again. No-op on SQLite, whose path
stays in the ORM.

Revision ID: c0de0000a009
Revises: c0de0000a008
Create Date: 2026-12-07 06:45:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "c0de0000a009"
down_revision: str | Sequence[str] | None = "c0de0000a008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# One transfer. Every refusal is answered before anything is written, so a lone transfer needs
# no savepoint: 'replay' (the key's transfer, same content), 'key_reused', 'unknown_account',
# 'closed', 'earmarked' (ask the spend policy first), 'insufficient_funds', or 'made'.
STEP = """
CREATE OR REPLACE FUNCTION wallet_transfer_step(
    p_key varchar, p_fingerprint varchar, p_debit bigint, p_credit bigint, p_amount bigint,
    p_purpose varchar, p_reference varchar, p_params text, p_memo varchar, p_pending boolean,
    p_timeout_at timestamp, p_link_id varchar, p_actor bigint, p_now timestamp,
    p_spend_checked boolean, OUT outcome text, OUT transfer_id bigint)
LANGUAGE plpgsql AS $$
DECLARE
    found_fingerprint varchar;
    acc record;
    debit_seen boolean := false;
    credit_seen boolean := false;
    debit_kind varchar;
    debit_available bigint;
    debit_non_negative boolean;
    any_closed boolean := false;
BEGIN
    -- Lock both accounts in id order: two transfers in opposite directions cannot dead-lock,
    -- and what is checked below cannot change before the updates.
    FOR acc IN
        SELECT a.id, a.kind, a.non_negative, a.posted - a.pending_debits AS available, a.closed_at
          FROM wallet_accounts a WHERE a.id IN (p_debit, p_credit) ORDER BY a.id FOR NO KEY UPDATE
    LOOP
        IF acc.closed_at IS NOT NULL THEN
            any_closed := true;
        END IF;
        IF acc.id = p_debit THEN
            debit_seen := true;
            debit_kind := acc.kind;
            debit_available := acc.available;
            debit_non_negative := acc.non_negative;
        ELSE
            credit_seen := true;
        END IF;
    END LOOP;
    -- The key is looked up once the locks are held: a caller with the same key that held them
    -- has committed by now, and this one answers as if second (not "insufficient funds").
    SELECT t.id, t.fingerprint INTO transfer_id, found_fingerprint
      FROM wallet_transfers t WHERE t.key = p_key;
    IF FOUND THEN
        outcome := CASE WHEN found_fingerprint = p_fingerprint THEN 'replay' ELSE 'key_reused' END;
        RETURN;
    END IF;
    IF NOT (debit_seen AND credit_seen) THEN
        outcome := 'unknown_account';
        RETURN;
    END IF;
    IF any_closed THEN
        outcome := 'closed';
        RETURN;
    END IF;
    IF debit_kind = 'earmarked' AND NOT p_spend_checked THEN
        outcome := 'earmarked';
        RETURN;
    END IF;
    IF debit_non_negative AND debit_available < p_amount THEN
        outcome := 'insufficient_funds';
        RETURN;
    END IF;
    INSERT INTO wallet_transfers (key, fingerprint, debit_account_id, credit_account_id, amount,
                                  purpose, reference, params, memo, state, link_id, timeout_at,
                                  created_by_id, created_at)
    VALUES (p_key, p_fingerprint, p_debit, p_credit, p_amount, p_purpose, p_reference,
            p_params::json, p_memo, CASE WHEN p_pending THEN 'pending' ELSE 'posted' END,
            p_link_id, p_timeout_at, p_actor, p_now)
    ON CONFLICT (key) DO NOTHING
    RETURNING id INTO transfer_id;
    IF NOT FOUND THEN
        -- A concurrent caller took the key and committed while we waited: answer as if second.
        SELECT t.id, t.fingerprint INTO transfer_id, found_fingerprint
          FROM wallet_transfers t WHERE t.key = p_key;
        outcome := CASE WHEN found_fingerprint = p_fingerprint THEN 'replay' ELSE 'key_reused' END;
        RETURN;
    END IF;
    IF p_pending THEN
        UPDATE wallet_accounts SET pending_debits = pending_debits + p_amount WHERE id = p_debit;
        UPDATE wallet_accounts SET pending_credits = pending_credits + p_amount WHERE id = p_credit;
    ELSE
        WITH moved AS (
            UPDATE wallet_accounts a
               SET posted = a.posted + CASE WHEN a.id = p_debit THEN -p_amount ELSE p_amount END
             WHERE a.id IN (p_debit, p_credit)
            RETURNING a.id, a.posted
        )
        INSERT INTO wallet_entries (transfer_id, account_id, amount, balance_after, created_at)
        SELECT transfer_id, m.id, CASE WHEN m.id = p_debit THEN -p_amount ELSE p_amount END,
               m.posted, p_now
          FROM moved m ORDER BY m.id;
    END IF;
    outcome := 'made';
END;
$$
"""

# One transfer or a linked group: one row per transfer (idx from 1, outcome, transfer id), or
# a single row naming the first refused one. A group's refusal undoes the transfers before it.
MANY = """
CREATE OR REPLACE FUNCTION wallet_transfers(
    p_keys varchar[], p_fingerprints varchar[], p_debits bigint[], p_credits bigint[],
    p_amounts bigint[], p_purposes varchar[], p_references varchar[], p_params text[],
    p_memos varchar[], p_pending boolean[], p_timeouts timestamp[], p_link_id varchar,
    p_actor bigint, p_now timestamp, p_spend_checked boolean)
RETURNS TABLE (idx integer, outcome text, transfer_id bigint)
LANGUAGE plpgsql AS $$
DECLARE
    n integer := cardinality(p_keys);
    results text[] := '{}';
    ids bigint[] := '{}';
    step record;
    refusal text;
    refused_at text;
BEGIN
    IF n = 1 THEN
        step := wallet_transfer_step(p_keys[1], p_fingerprints[1], p_debits[1], p_credits[1],
            p_amounts[1], p_purposes[1], p_references[1], p_params[1], p_memos[1], p_pending[1],
            p_timeouts[1], p_link_id, p_actor, p_now, p_spend_checked);
        RETURN QUERY SELECT 1, step.outcome, step.transfer_id;
        RETURN;
    END IF;
    BEGIN
        -- Lock every account of the group in id order first: each step locks only its own two,
        -- so two groups sharing accounts could otherwise take them in opposite orders.
        PERFORM 1 FROM wallet_accounts a WHERE a.id = ANY (p_debits || p_credits)
          ORDER BY a.id FOR NO KEY UPDATE;
        FOR i IN 1..n LOOP
            step := wallet_transfer_step(p_keys[i], p_fingerprints[i], p_debits[i], p_credits[i],
                p_amounts[i], p_purposes[i], p_references[i], p_params[i], p_memos[i],
                p_pending[i], p_timeouts[i], p_link_id, p_actor, p_now, p_spend_checked);
            IF step.outcome NOT IN ('made', 'replay') THEN
                RAISE EXCEPTION USING ERRCODE = 'RZ001', MESSAGE = step.outcome, DETAIL = i::text;
            END IF;
            results := results || step.outcome;
            ids := ids || step.transfer_id;
        END LOOP;
    EXCEPTION WHEN SQLSTATE 'RZ001' THEN
        -- Linked: all or nothing. The block's subtransaction has undone the earlier ones.
        GET STACKED DIAGNOSTICS refusal = MESSAGE_TEXT, refused_at = PG_EXCEPTION_DETAIL;
        RETURN QUERY SELECT refused_at::integer, refusal, NULL::bigint;
        RETURN;
    END;
    RETURN QUERY SELECT i, results[i], ids[i] FROM generate_subscripts(results, 1) AS i;
END;
$$
"""

# Post or void a pending transfer exactly once: 'made', 'same' (already resolved this way),
# 'already_resolved' (the other way; state says which) or 'unknown_transfer'.
RESOLVE = """
CREATE OR REPLACE FUNCTION wallet_resolve(
    p_id bigint, p_key varchar, p_outcome varchar, p_now timestamp,
    OUT outcome text, OUT transfer_id bigint, OUT state varchar,
    OUT debit_id bigint, OUT credit_id bigint)
LANGUAGE plpgsql AS $$
DECLARE
    moved bigint;
BEGIN
    IF p_id IS NULL THEN
        SELECT t.id INTO p_id FROM wallet_transfers t WHERE t.key = p_key;
    END IF;
    -- Claim the resolution with a conditional update, so two resolvers cannot both win.
    UPDATE wallet_transfers t SET state = p_outcome, resolved_at = p_now
     WHERE t.id = p_id AND t.state = 'pending'
    RETURNING t.id, t.state, t.debit_account_id, t.credit_account_id, t.amount
      INTO transfer_id, state, debit_id, credit_id, moved;
    IF NOT FOUND THEN
        SELECT t.id, t.state, t.debit_account_id, t.credit_account_id
          INTO transfer_id, state, debit_id, credit_id
          FROM wallet_transfers t WHERE t.id = p_id;
        outcome := CASE WHEN NOT FOUND THEN 'unknown_transfer'
                        WHEN state = p_outcome THEN 'same' ELSE 'already_resolved' END;
        RETURN;
    END IF;
    -- One statement updates both accounts; lock them in id order first so that resolutions in
    -- opposite directions cannot dead-lock.
    PERFORM 1 FROM wallet_accounts a WHERE a.id IN (debit_id, credit_id)
      ORDER BY a.id FOR NO KEY UPDATE;
    WITH changed AS (
        UPDATE wallet_accounts a
           SET pending_debits = a.pending_debits - CASE WHEN a.id = debit_id THEN moved ELSE 0 END,
               pending_credits = a.pending_credits - CASE WHEN a.id = credit_id THEN moved ELSE 0 END,
               posted = a.posted + CASE WHEN p_outcome <> 'posted' THEN 0
                                        WHEN a.id = debit_id THEN -moved ELSE moved END
         WHERE a.id IN (debit_id, credit_id)
        RETURNING a.id, a.posted
    )
    INSERT INTO wallet_entries (transfer_id, account_id, amount, balance_after, created_at)
    SELECT transfer_id, c.id, CASE WHEN c.id = debit_id THEN -moved ELSE moved END, c.posted, p_now
      FROM changed c WHERE p_outcome = 'posted' ORDER BY c.id;
    outcome := 'made';
END;
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(STEP)
    op.execute(MANY)
    op.execute(RESOLVE)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION IF EXISTS wallet_resolve(bigint, varchar, varchar, timestamp)")
    op.execute(
        "DROP FUNCTION IF EXISTS wallet_transfers(varchar[], varchar[], bigint[], bigint[], bigint[],"
        " varchar[], varchar[], text[], varchar[], boolean[], timestamp[], varchar, bigint,"
        " timestamp, boolean)"
    )
    op.execute(
        "DROP FUNCTION IF EXISTS wallet_transfer_step(varchar, varchar, bigint, bigint, bigint,"
        " varchar, varchar, text, varchar, boolean, timestamp, varchar, bigint, timestamp, boolean)"
    )
