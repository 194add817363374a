-- UV: distinct users with any event on a day, by channel ('_all' = distinct across channels).
SELECT date,
       coalesce(channel, '_all')         AS channel,
       count(DISTINCT user_key)          AS uv
FROM event_days
GROUP BY GROUPING SETS ((date, channel), (date))
ORDER BY 1, 2
