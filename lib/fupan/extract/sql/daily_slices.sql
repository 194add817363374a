-- Day × channel over the whole order history, for the day-level anomaly tests (METHODS.md §5):
-- GMV (orders not cancelled, before refunds), refunds and orders not cancelled. Days without an
-- order have no row; the analysis fills them with 0 (a closed day is not a missing one).
SELECT order_date                               AS date,
       channel,
       CAST(sum(gmv) AS DOUBLE)                 AS gmv,
       CAST(sum(refunds) AS DOUBLE)             AS refunds,
       count(*) FILTER (WHERE NOT cancelled)    AS orders
FROM order_level
GROUP BY 1, 2
ORDER BY 1, 2
