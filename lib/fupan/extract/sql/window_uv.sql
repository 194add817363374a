-- 访客数 per window: distinct users with any event over the whole window (as the platforms'
-- dashboards count a period's visitors; not the day-summed UV of daily_uv.sql), by channel
-- ('_all' = distinct across channels), with the number of days the events cover.
SELECT w.phase,
       coalesce(e.channel, '_all')                  AS channel,
       count(DISTINCT e.user_key)                   AS uv,
       count(DISTINCT e.date)                       AS days
FROM calendar w
JOIN event_days e ON e.date = w.date
GROUP BY GROUPING SETS ((w.phase, e.channel), (w.phase))
ORDER BY 1, 2
