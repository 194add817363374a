-- New customers per window: users whose first order ever falls inside the window,
-- by the channel of that first order ('_all' = every channel).
SELECT w.phase,
       coalesce(f.first_channel, '_all') AS channel,
       count(*)                          AS new_customers
FROM calendar w
JOIN first_orders f ON f.first_date = w.date
GROUP BY GROUPING SETS ((w.phase, f.first_channel), (w.phase))
ORDER BY 1, 2
