-- Day × series for difference-in-differences: GMV (lines of orders not cancelled, before refunds,
-- dated by the order's first line) of the card's control categories ('control'), of each declared
-- substitute or complement SKU ('sku:<sku>'), and of every other line ('promoted').
-- Reads the temp table control_keys(kind, key): kind 'category' or 'sku'.
SELECT CAST(l.order_ts AS DATE) AS date,
       CASE WHEN o.category IN (SELECT key FROM control_keys WHERE kind = 'category') THEN 'control'
            WHEN o.sku IN (SELECT key FROM control_keys WHERE kind = 'sku') THEN 'sku:' || o.sku
            ELSE 'promoted' END AS series,
       CAST(sum(CAST(o.paid_amount AS DECIMAL(18, 2))) AS DOUBLE) AS gmv
FROM orders o JOIN order_level l USING (order_id)
WHERE o.status <> 'cancelled'
GROUP BY 1, 2
ORDER BY 1, 2
