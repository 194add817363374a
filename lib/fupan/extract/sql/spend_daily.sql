-- Day × channel spend (rows for the same day and channel are added up).
SELECT date, channel,
       CAST(sum(CAST(spend AS DECIMAL(18, 2))) AS DOUBLE) AS spend,
       sum(impressions)  AS impressions,
       sum(clicks)       AS clicks
FROM spend
WHERE date BETWEEN (SELECT min(start_date) FROM windows) AND (SELECT max(end_date) FROM windows)
GROUP BY 1, 2
ORDER BY 1, 2
