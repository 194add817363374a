-- 访客数 per window: distinct users with any event over the whole window (as the platforms'
-- dashboards count a period's visitors; not the day-summed UV of daily_uv.sql), by channel
-- ('_all' = distinct across channels), with the number of days the events cover.
SELECT w.phase,
       coalesce(e.channel, '_all')                  AS channel,
       count(DISTINCT e.user_id)                    AS uv,
       count(DISTINCT CAST(e.event_time AS DATE))   AS days
FROM calendar w
JOIN events e ON CAST(e.event_time AS DATE) = w.date
GROUP BY GROUPING SETS ((w.phase, e.channel), (w.phase))
ORDER BY 1, 2
