<#-- One milestone's mail, plain text. The model: body (MilestoneMails.Model). -->
${body.lead}
<#if body.items?has_content>

<#list body.items as item>
  ${item.name} - ${item.what}
</#list>
</#if>
<#if body.summary??>

${body.summary}
</#if>

-- 
NimbusVerse, milestone ${body.milestone}
