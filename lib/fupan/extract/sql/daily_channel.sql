-- Day × channel sales, from the first day of the baseline to the end of the last window.
SELECT o.order_date                                         AS date,
       o.channel,
       CAST(sum(o.gmv) AS DOUBLE)                                           AS gmv,
       CAST(sum(o.refunds) AS DOUBLE)                                       AS refunds,
       count(*) FILTER (WHERE NOT o.cancelled)              AS orders,
       count(*) FILTER (WHERE o.cancelled)                  AS cancelled_orders,
       count(DISTINCT CASE WHEN NOT o.cancelled THEN o.user_key END) AS buyers,
       count(DISTINCT f.user_key)                           AS new_customers,
       sum(o.units)                                         AS units,
       CAST(sum(o.list_amount) AS DOUBLE)                                   AS list_amount,
       CAST(sum(o.cogs) AS DOUBLE)                                          AS cogs
FROM order_level o
LEFT JOIN first_orders f
       ON f.user_key = o.user_key AND f.first_ts = o.order_ts AND NOT o.cancelled
WHERE o.order_date BETWEEN (SELECT min(start_date) FROM windows) AND (SELECT max(end_date) FROM windows)
GROUP BY 1, 2
ORDER BY 1, 2
