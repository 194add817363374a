-- Window × channel sales with buyers and new customers distinct over the whole window.
-- channel = '_all' is the window total (distinct counts are not additive across channels).
-- A conditional distinct count is count(DISTINCT CASE WHEN … THEN key END), not count(DISTINCT key)
-- FILTER (WHERE …): the same count (NULLs are not counted), and in DuckDB 1.4 s → 1.1 s here at
-- 10M order lines (1.3 s → 0.35 s for a distinct count of order ids over the lines).
SELECT w.phase,
       coalesce(o.channel, '_all')                                   AS channel,
       CAST(sum(o.gmv) AS DOUBLE)                                                    AS gmv,
       CAST(sum(o.refunds) AS DOUBLE)                                                AS refunds,
       count(*) FILTER (WHERE NOT o.cancelled)                       AS orders,
       count(*) FILTER (WHERE o.cancelled)                           AS cancelled_orders,
       count(DISTINCT CASE WHEN NOT o.cancelled THEN o.user_key END) AS buyers,
       count(DISTINCT CASE WHEN NOT o.cancelled AND f.first_date BETWEEN w.start_date AND w.end_date
                           THEN o.user_key END)                      AS new_buyers,
       sum(o.units)                                                  AS units,
       CAST(sum(o.list_amount) AS DOUBLE)                                            AS list_amount,
       CAST(sum(o.cogs) AS DOUBLE)                                                   AS cogs
FROM calendar w
JOIN order_level o ON o.order_date = w.date
LEFT JOIN first_orders f ON f.user_key = o.user_key
GROUP BY GROUPING SETS ((w.phase, o.channel), (w.phase))
ORDER BY 1, 2
