-- Funnel: distinct users reaching each step within the window, by channel ('_all' = any channel).
SELECT w.phase,
       coalesce(e.channel, '_all')       AS channel,
       e.event                           AS step,
       count(DISTINCT e.user_key)        AS users
FROM calendar w
JOIN event_days e ON e.date = w.date
GROUP BY GROUPING SETS ((w.phase, e.channel, e.event), (w.phase, e.event))
ORDER BY 1, 2, 3
