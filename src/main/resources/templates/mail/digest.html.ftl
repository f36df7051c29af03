<#ftl output_format="HTML">
<#-- Mails of one milestone gathered over a window, HTML. The model: body (MilestoneMails.Model, entries). -->
<!DOCTYPE html>
<html>
<head><meta charset="UTF-8"><title>${body.headline}</title></head>
<body style="font-family: sans-serif; color: #222;">
  <h2 style="margin-bottom: 0.3em;">${body.headline}</h2>
  <p>${body.lead}</p>
  <ul>
<#list body.entries as entry>
    <li><b>${entry.headline}</b><br>${entry.lead}
<#if entry.items?has_content>
      <ul>
<#list entry.items as item>
        <li>${item.name} - ${item.what}</li>
</#list>
      </ul>
</#if>
    </li>
</#list>
  </ul>
  <p style="color: #888; font-size: small;">NimbusVerse, digest of ${body.milestone}</p>
</body>
</html>
