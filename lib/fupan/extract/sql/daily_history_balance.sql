-- daily_history.sql with GMV dated as the platforms count a presale (the card's gmv_date:
-- balance_paid): a presale line whose balance was paid counts on its balance_time's day, every
-- other line on its order day. GMV is summed per line (lines not cancelled, before refunds), so
-- the series adds up to the same total as by order time. Orders and units stay on the day of the
-- order's first line (the deposit day for a presale): the volume model reads when buyers
-- committed, as daily_history.sql does. Used only when the orders carry balance_time.
-- A presale line whose balance is not paid (in a war report: not due yet) counts on no day.
WITH money AS (
    SELECT CASE WHEN order_type = 'presale'
                THEN CAST(balance_time AS DATE) ELSE CAST(order_time AS DATE) END         AS date,
           sum(CASE WHEN status <> 'cancelled' THEN CAST(paid_amount AS DECIMAL(18, 2)) ELSE 0 END) AS gmv
    FROM orders
    WHERE coalesce(order_type, 'spot') <> 'presale' OR balance_time IS NOT NULL
    GROUP BY 1
),
volume AS (
    SELECT order_date                              AS date,
           count(*) FILTER (WHERE NOT cancelled)   AS orders,
           sum(units)                              AS units
    FROM order_level
    GROUP BY 1
)
SELECT coalesce(m.date, v.date)                  AS date,
       CAST(coalesce(m.gmv, 0) AS DOUBLE)        AS gmv,
       coalesce(v.orders, 0)                     AS orders,
       coalesce(v.units, 0)                      AS units
FROM money m
FULL OUTER JOIN volume v ON v.date = m.date
ORDER BY 1
