-- The whole order history, one row per day: GMV (orders not cancelled, before refunds), orders
-- and units, for the counterfactual baseline model, which learns trend and weekday from it.
SELECT order_date                              AS date,
       CAST(sum(gmv) AS DOUBLE)                AS gmv,
       count(*) FILTER (WHERE NOT cancelled)   AS orders,
       sum(units)                              AS units
FROM order_level
GROUP BY 1
ORDER BY 1
