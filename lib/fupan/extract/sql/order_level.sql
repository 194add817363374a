-- One row per order. The order's time, day, channel and status are those of its first line
-- (real exports stamp the lines of one order a minute or two apart); last_date is its last
-- line's day (split_orders.sql). The customer is user_key, the 64-bit hash of the order's user_id
-- (a salted pseudonym in DuckDB; a warehouse's keyed hash of its raw id, fupan.extract.engines):
-- every count of buyers and new customers counts these keys — distinct ids but for a hash
-- collision (~10⁻⁶ among 10⁷ customers; ~10⁻⁵ at a warehouse's 60 bits) — grouped and joined
-- as integers, not as text (at 8M orders the pseudonyms' text cost ~3 s of the extract). Money
-- is summed over lines;
-- a line whose status is 'cancelled' contributes nothing to GMV (口径: GMV = Σ paid_amount of
-- orders not cancelled, before refunds). Money is summed as DECIMAL (cents) so that totals are
-- exact and identical from run to run whatever the thread count.
SELECT
    order_id,
    min(hash(user_id))                                                  AS user_key,
    min(order_time)                                                     AS order_ts,
    CAST(min(order_time) AS DATE)                                       AS order_date,
    CAST(max(order_time) AS DATE)                                       AS last_date,
    arg_min(channel, order_time)                                        AS channel,
    bool_and(status = 'cancelled')                                      AS cancelled,
    sum(CASE WHEN status <> 'cancelled' THEN CAST(paid_amount AS DECIMAL(18, 2)) ELSE 0 END)    AS gmv,
    sum(CASE WHEN status <> 'cancelled' THEN CAST(refund_amount AS DECIMAL(18, 2)) ELSE 0 END)  AS refunds,
    sum(CASE WHEN status <> 'cancelled' THEN CAST(list_amount AS DECIMAL(18, 2)) ELSE 0 END)    AS list_amount,
    sum(CASE WHEN status <> 'cancelled' THEN quantity ELSE 0 END)      AS units,
    sum(CASE WHEN status <> 'cancelled' THEN CAST(unit_cost * quantity AS DECIMAL(18, 4)) END)  AS cogs
FROM orders
GROUP BY order_id
