-- Funnel per day: distinct users reaching each step on that day, by channel ('_all' = any).
SELECT date,
       coalesce(channel, '_all')   AS channel,
       event                       AS step,
       count(DISTINCT user_key)    AS users
FROM event_days
GROUP BY GROUPING SETS ((date, channel, event), (date, event))
ORDER BY 1, 2, 3
