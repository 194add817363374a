-- Per day in anomaly_days(date), whole day ('_all') and per channel: each SKU's GMV, refunds,
-- units and orders (lines not cancelled, dated by their order's first line), keeping the five
-- largest by GMV and the five largest by refunds.
WITH s AS (
    SELECT l.order_date AS date, l.channel, coalesce(x.sku, '—') AS sku,
           CAST(x.paid_amount AS DECIMAL(18, 2)) AS gmv, CAST(x.refund_amount AS DECIMAL(18, 2)) AS refunds,
           x.quantity AS units, x.order_id
    FROM orders x
    JOIN order_level l USING (order_id)
    JOIN anomaly_days d ON d.date = l.order_date
    WHERE x.status <> 'cancelled'
), agg AS (
    SELECT date, coalesce(channel, '_all') AS slice, sku,
           CAST(sum(gmv) AS DOUBLE) AS gmv, CAST(sum(refunds) AS DOUBLE) AS refunds,
           sum(units) AS units, count(DISTINCT order_id) AS orders
    FROM s
    GROUP BY GROUPING SETS ((date, sku), (date, channel, sku))
), ranked AS (
    SELECT *, row_number() OVER (PARTITION BY date, slice ORDER BY gmv DESC, sku) AS rank_gmv,
              row_number() OVER (PARTITION BY date, slice ORDER BY refunds DESC, sku) AS rank_refunds
    FROM agg
)
SELECT date, slice, sku, gmv, refunds, units, orders, rank_gmv, rank_refunds
FROM ranked
WHERE rank_gmv <= 5 OR (rank_refunds <= 5 AND refunds > 0)
ORDER BY date, slice, rank_gmv
