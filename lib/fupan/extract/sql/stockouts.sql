-- Per SKU: days out of stock (on_hand = 0 summed over the SKU's rows of the day — one per
-- warehouse) in each window, and the SKU's GMV there.
WITH sku_days AS (
    SELECT i.date, i.sku, sum(i.on_hand) = 0 AS out_of_stock
    FROM inventory i
    GROUP BY 1, 2
), sales AS (
    SELECT CAST(order_time AS DATE) AS date, sku, sum(CAST(paid_amount AS DECIMAL(18, 2))) AS gmv
    FROM orders WHERE status <> 'cancelled' GROUP BY 1, 2
)
SELECT w.phase, d.sku,
       count(*)                                   AS sku_days,
       count(*) FILTER (WHERE d.out_of_stock)     AS stockout_days,
       min(d.date) FILTER (WHERE d.out_of_stock)  AS first_stockout,
       max(d.date) FILTER (WHERE d.out_of_stock)  AS last_stockout,
       CAST(coalesce(sum(s.gmv), 0) AS DOUBLE)                    AS gmv
FROM calendar w
JOIN sku_days d ON d.date = w.date
LEFT JOIN sales s ON s.date = d.date AND s.sku = d.sku
GROUP BY 1, 2
ORDER BY 1, 2
