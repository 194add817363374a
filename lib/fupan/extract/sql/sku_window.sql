-- Window × SKU: units, paid GMV, list amount and COGS of order lines not cancelled (dated by
-- their order's first line), for the margin-aware ROI (METHODS.md §1.2); category = the SKU's
-- (first, if an export gives it several).
SELECT w.phase, o.sku,
       min(o.category)                                                           AS category,
       sum(o.quantity)                                                           AS units,
       CAST(sum(CAST(o.paid_amount AS DECIMAL(18, 2))) AS DOUBLE)                AS gmv,
       CAST(sum(CAST(o.list_amount AS DECIMAL(18, 2))) AS DOUBLE)                AS list_amount,
       CAST(sum(CAST(o.unit_cost * o.quantity AS DECIMAL(18, 4))) AS DOUBLE)     AS cogs,
       count(*) FILTER (WHERE o.unit_cost IS NULL)                               AS lines_without_cost
FROM order_lines o
JOIN calendar w ON w.date = o.order_date
WHERE o.sku IS NOT NULL
GROUP BY 1, 2
ORDER BY 1, 2
