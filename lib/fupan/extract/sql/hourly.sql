-- Day × hour GMV and orders (order time = first line's time), baseline start to last window end.
-- timed_orders: the orders whose time has a time of day (an export with dates only has none).
SELECT order_date                               AS date,
       CAST(extract(hour FROM order_ts) AS INTEGER) AS hour,
       CAST(sum(gmv) AS DOUBLE)                               AS gmv,
       count(*) FILTER (WHERE NOT cancelled)    AS orders,
       count(*) FILTER (WHERE order_ts <> date_trunc('day', order_ts)) AS timed_orders
FROM order_level
WHERE order_date BETWEEN (SELECT min(start_date) FROM windows) AND (SELECT max(end_date) FROM windows)
GROUP BY 1, 2
ORDER BY 1, 2
