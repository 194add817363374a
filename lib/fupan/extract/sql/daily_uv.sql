-- UV: distinct users with any event on a day, by channel ('_all' = distinct across channels).
SELECT CAST(event_time AS DATE)          AS date,
       coalesce(channel, '_all')         AS channel,
       count(DISTINCT user_id)           AS uv
FROM events
WHERE CAST(event_time AS DATE) BETWEEN (SELECT min(start_date) FROM windows) AND (SELECT max(end_date) FROM windows)
GROUP BY GROUPING SETS ((CAST(event_time AS DATE), channel), (CAST(event_time AS DATE)))
ORDER BY 1, 2
