<#ftl output_format="HTML">
<#-- One milestone's mail, HTML. The model: body (MilestoneMails.Model); every value is escaped (.ftlh rules). -->
<!DOCTYPE html>
<html>
<head><meta charset="UTF-8"><title>${body.headline}</title></head>
<body style="font-family: sans-serif; color: #222;">
  <h2 style="margin-bottom: 0.3em;">${body.headline}</h2>
  <p>${body.lead}</p>
<#if body.items?has_content>
  <table style="border-collapse: collapse;">
<#list body.items as item>
    <tr><td style="padding: 2px 12px 2px 0;"><b>${item.name}</b></td><td>${item.what}</td></tr>
</#list>
  </table>
</#if>
<#if body.summary??>
  <pre style="background: #f4f4f4; padding: 8px;">${body.summary}</pre>
</#if>
  <p style="color: #888; font-size: small;">NimbusVerse, milestone ${body.milestone}</p>
</body>
</html>
