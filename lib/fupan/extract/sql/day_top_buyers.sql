-- Per day in anomaly_days(date), whole day ('_all') and per channel: the five buyers with the most
-- orders (not cancelled; ties by GMV), as order_level's user_key (no identifier).
WITH b AS (
    SELECT l.order_date AS date, coalesce(l.channel, '_all') AS slice, l.user_key,
           count(*) AS orders, CAST(sum(l.gmv) AS DOUBLE) AS gmv
    FROM order_level l
    JOIN anomaly_days d ON d.date = l.order_date
    WHERE NOT l.cancelled
    GROUP BY GROUPING SETS ((l.order_date, l.user_key), (l.order_date, l.channel, l.user_key))
), ranked AS (
    SELECT *, row_number() OVER (PARTITION BY date, slice ORDER BY orders DESC, gmv DESC, user_key) AS rank FROM b
)
SELECT date, slice, rank, user_key, orders, gmv
FROM ranked
WHERE rank <= 5
ORDER BY date, slice, rank
