"""wallet linked groups: each account's balance written once a group

A linked group used to move the balances transfer by transfer: every step updated both of its
accounts' rows. PostgreSQL keeps each version a transaction writes of a row until the
transaction ends, and every later look-up of the row (the step's lock, the foreign-key checks of
the transfer and its entries, the next update) walks past them, so a group of n transfers on one
account pair read O(n) versions a transfer and O(n²) in all; a transaction of many groups on a
shared account (the demo's clearing account) took minutes.

Now ``wallet_transfers`` locks and reads the group's accounts once, checks each transfer against
the balances as the transfers before it left them (held in the function, in the same order and
with the same refusals as before), writes the transfers and then all their entries, and updates
each account it moved once, with the final balances. The lone transfer's step is unchanged.
No-op on SQLite.

Revision ID: c0de0000a00b
Revises: c0de0000a00a
Create Date: 2026-12-07 13:30:00
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "c0de0000a00b"
down_revision: str | Sequence[str] | None = "c0de0000a00a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

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
    acc record;
    -- The group's accounts in id order (acc_ids[k] is the k-th), with the balances as the
    -- group's transfers so far have left them: written back once, at the end.
    acc_ids bigint[] := '{}';
    acc_kinds varchar[] := '{}';
    acc_guarded boolean[] := '{}';
    acc_closed boolean[] := '{}';
    acc_posted bigint[] := '{}';
    acc_pending_debits bigint[] := '{}';
    acc_pending_credits bigint[] := '{}';
    acc_moved boolean[] := '{}';
    m integer := 0;
    d integer;
    c integer;
    side integer;
    v_amount bigint;
    found_id bigint;
    made_id bigint;
    found_fingerprint varchar;
    -- The entries of the posted transfers, in the order the step writes them.
    e integer := 0;
    entry_transfers bigint[] := '{}';
    entry_accounts bigint[] := '{}';
    entry_amounts bigint[] := '{}';
    entry_balances bigint[] := '{}';
BEGIN
    IF n = 1 THEN
        step := wallet_transfer_step(p_keys[1], p_fingerprints[1], p_debits[1], p_credits[1],
            p_amounts[1], p_purposes[1], p_references[1], p_params[1], p_memos[1], p_pending[1],
            p_timeouts[1], p_link_id, p_actor, p_now, p_spend_checked);
        RETURN QUERY SELECT 1, step.outcome, step.transfer_id;
        RETURN;
    END IF;
    BEGIN
        -- Lock every account of the group in id order (two groups sharing accounts take them in
        -- the same order) and read them once: what is checked below cannot change meanwhile.
        FOR acc IN
            SELECT a.id, a.kind, a.non_negative, a.closed_at IS NOT NULL AS is_closed, a.posted,
                   a.pending_debits, a.pending_credits
              FROM wallet_accounts a WHERE a.id = ANY (p_debits || p_credits)
             ORDER BY a.id FOR NO KEY UPDATE
        LOOP
            m := m + 1;
            acc_ids[m] := acc.id;
            acc_kinds[m] := acc.kind;
            acc_guarded[m] := acc.non_negative;
            acc_closed[m] := acc.is_closed;
            acc_posted[m] := acc.posted;
            acc_pending_debits[m] := acc.pending_debits;
            acc_pending_credits[m] := acc.pending_credits;
            acc_moved[m] := false;
        END LOOP;
        FOR i IN 1..n LOOP
            -- The lone transfer's checks, in its order. The key is looked up with the locks held.
            made_id := NULL;
            SELECT t.id, t.fingerprint INTO found_id, found_fingerprint
              FROM wallet_transfers t WHERE t.key = p_keys[i];
            IF NOT FOUND THEN
                d := array_position(acc_ids, p_debits[i]);
                c := array_position(acc_ids, p_credits[i]);
                v_amount := p_amounts[i];
                IF d IS NULL OR c IS NULL THEN
                    RAISE EXCEPTION USING ERRCODE = 'RZ001', MESSAGE = 'unknown_account', DETAIL = i::text;
                END IF;
                IF acc_closed[d] OR acc_closed[c] THEN
                    RAISE EXCEPTION USING ERRCODE = 'RZ001', MESSAGE = 'closed', DETAIL = i::text;
                END IF;
                IF acc_kinds[d] = 'earmarked' AND NOT p_spend_checked THEN
                    RAISE EXCEPTION USING ERRCODE = 'RZ001', MESSAGE = 'earmarked', DETAIL = i::text;
                END IF;
                IF acc_guarded[d] AND acc_posted[d] - acc_pending_debits[d] < v_amount THEN
                    RAISE EXCEPTION USING ERRCODE = 'RZ001', MESSAGE = 'insufficient_funds',
                        DETAIL = i::text;
                END IF;
                INSERT INTO wallet_transfers (key, fingerprint, debit_account_id, credit_account_id,
                                              amount, purpose, reference, params, memo, state,
                                              link_id, timeout_at, created_by_id, created_at)
                VALUES (p_keys[i], p_fingerprints[i], p_debits[i], p_credits[i], v_amount,
                        p_purposes[i], p_references[i], p_params[i]::json, p_memos[i],
                        CASE WHEN p_pending[i] THEN 'pending' ELSE 'posted' END, p_link_id,
                        p_timeouts[i], p_actor, p_now)
                ON CONFLICT (key) DO NOTHING
                RETURNING id INTO made_id;
                IF made_id IS NULL THEN
                    -- A concurrent caller took the key and committed while we waited.
                    SELECT t.id, t.fingerprint INTO found_id, found_fingerprint
                      FROM wallet_transfers t WHERE t.key = p_keys[i];
                END IF;
            END IF;
            IF made_id IS NULL THEN
                -- The key's transfer: answered as a replay if its content is the same.
                IF found_fingerprint <> p_fingerprints[i] THEN
                    RAISE EXCEPTION USING ERRCODE = 'RZ001', MESSAGE = 'key_reused', DETAIL = i::text;
                END IF;
                results[i] := 'replay';
                ids[i] := found_id;
                CONTINUE;
            END IF;
            acc_moved[d] := true;
            acc_moved[c] := true;
            IF p_pending[i] THEN
                acc_pending_debits[d] := acc_pending_debits[d] + v_amount;
                acc_pending_credits[c] := acc_pending_credits[c] + v_amount;
            ELSE
                acc_posted[d] := acc_posted[d] - v_amount;
                acc_posted[c] := acc_posted[c] + v_amount;
                -- The lower account id's entry first, as the step writes them.
                FOREACH side IN ARRAY CASE WHEN d < c THEN ARRAY[d, c] ELSE ARRAY[c, d] END LOOP
                    e := e + 1;
                    entry_transfers[e] := made_id;
                    entry_accounts[e] := acc_ids[side];
                    entry_amounts[e] := CASE WHEN side = d THEN -v_amount ELSE v_amount END;
                    entry_balances[e] := acc_posted[side];
                END LOOP;
            END IF;
            results[i] := 'made';
            ids[i] := made_id;
        END LOOP;
        INSERT INTO wallet_entries (transfer_id, account_id, amount, balance_after, created_at)
        SELECT w.transfer_id, w.account_id, w.amount, w.balance_after, p_now
          FROM unnest(entry_transfers, entry_accounts, entry_amounts, entry_balances)
               WITH ORDINALITY AS w(transfer_id, account_id, amount, balance_after, k)
         ORDER BY w.k;
        UPDATE wallet_accounts a
           SET posted = v.posted, pending_debits = v.pending_debits,
               pending_credits = v.pending_credits
          FROM unnest(acc_ids, acc_posted, acc_pending_debits, acc_pending_credits, acc_moved)
               AS v(id, posted, pending_debits, pending_credits, moved)
         WHERE a.id = v.id AND v.moved;
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


def _previous() -> str:
    """The function as migration c0de0000a009 made it (for the downgrade)."""
    path = Path(__file__).with_name("c0de0000a009_wallet_transfer_functions.py")
    spec = importlib.util.spec_from_file_location("wallet_transfer_functions_a009", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.MANY)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(MANY)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_previous())
