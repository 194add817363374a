-- The five largest orders (GMV, not cancelled) of each day in the temp table anomaly_days(date),
-- over the whole day (slice '_all') and per channel: the drivers named for a flagged day.
-- The buyer is order_level's user_key (a 64-bit hash of the salted pseudonym): no identifier.
WITH o AS (
    SELECT l.order_date AS date, l.order_id, l.channel, l.user_key,
           CAST(l.gmv AS DOUBLE) AS gmv, CAST(l.refunds AS DOUBLE) AS refunds, l.units
    FROM order_level l
    JOIN anomaly_days d ON d.date = l.order_date
    WHERE NOT l.cancelled
), ranked AS (
    SELECT '_all' AS slice, *, row_number() OVER (PARTITION BY date ORDER BY gmv DESC, order_id) AS rank FROM o
    UNION ALL
    SELECT channel AS slice, *, row_number() OVER (PARTITION BY date, channel ORDER BY gmv DESC, order_id) AS rank FROM o
), top AS (
    SELECT * FROM ranked WHERE rank <= 5
), lines AS (
    SELECT x.order_id, arg_max(x.sku, x.paid_amount) AS top_sku, count(*) AS lines
    FROM orders x
    WHERE x.status <> 'cancelled' AND x.order_id IN (SELECT order_id FROM top)
    GROUP BY 1
)
SELECT t.date, t.slice, t.rank, t.order_id, t.channel, t.user_key, t.gmv, t.refunds, t.units,
       lines.top_sku, lines.lines
FROM top t LEFT JOIN lines USING (order_id)
ORDER BY t.date, t.slice, t.rank
