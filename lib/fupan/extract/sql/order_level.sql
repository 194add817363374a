-- One row per order. The order's time, day, channel and status are those of its first line
-- (real exports stamp the lines of one order a minute or two apart); last_date is its last
-- line's day (split_orders.sql). Money is summed over lines;
-- a line whose status is 'cancelled' contributes nothing to GMV (口径: GMV = Σ paid_amount of
-- orders not cancelled, before refunds). Money is summed as DECIMAL (cents) so that totals are
-- exact and identical from run to run whatever the thread count.
SELECT
    order_id,
    min(user_id)                                                        AS user_id,
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
