-- Funnel per day: distinct users reaching each step on that day, by channel ('_all' = any).
SELECT CAST(event_time AS DATE)    AS date,
       coalesce(channel, '_all')   AS channel,
       event                       AS step,
       count(DISTINCT user_id)     AS users
FROM events
WHERE CAST(event_time AS DATE) BETWEEN (SELECT min(start_date) FROM windows) AND (SELECT max(end_date) FROM windows)
GROUP BY GROUPING SETS ((CAST(event_time AS DATE), channel, event), (CAST(event_time AS DATE), event))
ORDER BY 1, 2, 3
