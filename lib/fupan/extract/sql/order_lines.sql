-- The order lines not cancelled, each dated by its order's first line (order_date): what the
-- per-line aggregates (SKUs, categories, price bands, control series) count. A view, not a
-- table: each query reading it probes split_orders, which is small.
SELECT o.*, coalesce(s.order_date, CAST(o.order_time AS DATE)) AS order_date
FROM orders o
LEFT JOIN split_orders s USING (order_id)
WHERE o.status <> 'cancelled'
