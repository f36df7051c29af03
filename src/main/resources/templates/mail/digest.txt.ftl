<#-- Mails of one milestone gathered over a window, plain text. The model: body (MilestoneMails.Model, entries). -->
${body.lead}
<#list body.entries as entry>

* ${entry.headline}
  ${entry.lead}
<#if entry.items?has_content>
<#list entry.items as item>
    ${item.name} - ${item.what}
</#list>
</#if>
</#list>

-- 
NimbusVerse, digest of ${body.milestone}
