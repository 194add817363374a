-- Window × channel sales with buyers and new customers distinct over the whole window.
-- channel = '_all' is the window total (distinct counts are not additive across channels).
SELECT w.phase,
       coalesce(o.channel, '_all')                                   AS channel,
       CAST(sum(o.gmv) AS DOUBLE)                                                    AS gmv,
       CAST(sum(o.refunds) AS DOUBLE)                                                AS refunds,
       count(*) FILTER (WHERE NOT o.cancelled)                       AS orders,
       count(*) FILTER (WHERE o.cancelled)                           AS cancelled_orders,
       count(DISTINCT o.user_key) FILTER (WHERE NOT o.cancelled)     AS buyers,
       count(DISTINCT o.user_key) FILTER (
           WHERE NOT o.cancelled AND f.first_date BETWEEN w.start_date AND w.end_date) AS new_buyers,
       sum(o.units)                                                  AS units,
       CAST(sum(o.list_amount) AS DOUBLE)                                            AS list_amount,
       CAST(sum(o.cogs) AS DOUBLE)                                                   AS cogs
FROM calendar w
JOIN order_level o ON o.order_date = w.date
LEFT JOIN first_orders f ON f.user_key = o.user_key
GROUP BY GROUPING SETS ((w.phase, o.channel), (w.phase))
ORDER BY 1, 2
